"""A tiny shopping cart."""


def total(items):
    s = 0
    for price, qty in items:
        s += price * qty
    return s


def discount(amount, code):
    if code == "HALF":
        return amount / 2
    if code == "TENOFF":
        return max(amount - 10, 0)
    return amount
