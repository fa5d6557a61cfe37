#!/usr/bin/env bash
# A real formatter run: how many patch lines does a commit that only ran Black leave?
#
#     bash benches/formatter.sh [path/to/covgit]      (default: target/release/covgit)
#
# Builds a throwaway git repo (hermetic: no global or system git config, fixed dates) with a
# Python module written in a non-Black style (two-space and odd indentation, single quotes,
# long calls, hanging arguments, no spaces around operators) and pytest tests that cover part
# of it. Measures coverage with real coverage.py (`coverage run -m pytest`, `coverage xml`),
# commits, runs real `black` over the module, measures again, commits, records both reports
# with covgit and compares them with and without `--no-moves`, printing the patch line count
# of each and, for the moves run, every line that stays `added` with its text.
#
# black, coverage and pytest come from a venv (COVGIT_FMT_VENV, default
# /tmp/covgit-fmt-venv), made from PyPI on first use. The repo is deleted at the end unless
# KEEP=1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
covgit=$(realpath "${1:-$here/../target/release/covgit}")
venv=${COVGIT_FMT_VENV:-/tmp/covgit-fmt-venv}
if [ ! -x "$venv/bin/black" ] || [ ! -x "$venv/bin/coverage" ] || [ ! -x "$venv/bin/pytest" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q black coverage pytest
fi

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@covgit.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@covgit.invalid
export GIT_AUTHOR_DATE="2026-01-01T12:00:00Z" GIT_COMMITTER_DATE="2026-01-01T12:00:00Z"
export PYTHONDONTWRITEBYTECODE=1

work=$(mktemp -d /tmp/covgit-formatter.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/shop" "$repo/tests"
cd "$repo"
git init -q -b main

cat > shop/__init__.py <<'EOF'
EOF
cat > shop/orders.py <<'EOF'
'''Orders, written by hand in no particular style.'''
import math
from collections import namedtuple

Line = namedtuple('Line', ['sku', 'qty', 'price'])

TAX_RATES = {'fr': 0.20, 'de': 0.19,
             'it': 0.22, 'es': 0.21}


def line_total(line):
  if line.qty<0:
    raise ValueError('negative quantity for %s' % line.sku)
  return line.qty*line.price


def subtotal(lines):
    total=0
    for l in lines:
          total+=line_total(l)
    return total


def tax(amount, country, exempt=False, rounding='half-up', minimum=0.0, maximum=None, note=None):
  if exempt:
    return 0.0
  rate=TAX_RATES.get(country,
                     0.0)
  value = amount*rate
  if maximum is not None and value > maximum:
      value = maximum
  if value < minimum:
      value = minimum
  if rounding == 'half-up':
      return math.floor(value*100+0.5)/100
  return round(value, 2)


def describe(order_id, customer, lines, country, currency='EUR', include_tax=True, verbose=False):
  parts = ['order %s for %s' % (order_id, customer), '%d lines' % len(lines), 'country %s' % country, 'currency %s' % currency]
  if verbose:
    parts.append(', '.join(l.sku for l in lines))
  if include_tax:
    parts.append('tax %.2f' % tax(subtotal(lines), country))
  return '; '.join(parts)


def discount(amount, code):
  codes = {
      'WELCOME': 0.1,
      'VIP': 0.25,
  }
  if code not in codes:
      return amount
  return amount*(1-codes[code])


def bulk_discount(lines, threshold=10, rate=0.05):
  count = sum(l.qty for l in lines)
  if (count >= threshold):
    return subtotal(lines) * (1 - rate)
  return subtotal(lines)


def invoice(order_id, customer, lines, country, code=None):
  amount = discount(subtotal(lines),
                    code) if code else subtotal(lines)
  return {'id': order_id, 'customer': customer, 'net': amount, 'tax': tax(amount, country), 'total': amount + tax(amount, country)}


def refund(invoice_data, reason, partial=None):
  if partial is None:
    return {'id': invoice_data['id'], 'amount': invoice_data['total'], 'reason': reason}
  if partial > invoice_data['total']:
    raise ValueError('refund larger than invoice %s' % invoice_data['id'])
  return {'id': invoice_data['id'], 'amount': partial, 'reason': reason}


def shipping(weight_kg, country, express=False):
  base = 4.90 if country in ('fr','de') else 9.90
  if express: base *= 2
  return base + max(0, weight_kg-1)*1.5
EOF
cat > tests/test_orders.py <<'EOF'
import pytest

from shop.orders import Line, describe, discount, invoice, line_total, shipping, subtotal, tax


def test_totals():
    lines = [Line("a", 2, 3.0), Line("b", 1, 4.5)]
    assert subtotal(lines) == 10.5
    assert tax(10.5, "fr") == 2.1
    assert tax(10.5, "fr", exempt=True) == 0.0


def test_negative_quantity():
    with pytest.raises(ValueError):
        line_total(Line("a", -1, 1.0))


def test_describe_and_invoice():
    lines = [Line("a", 1, 10.0)]
    assert describe(7, "ann", lines, "de").startswith("order 7 for ann")
    assert invoice(7, "ann", lines, "de", code="VIP")["net"] == 7.5
    assert discount(10.0, "NOPE") == 10.0


def test_shipping():
    assert shipping(3, "fr") == 7.9
EOF

measure() {
    rm -f .coverage
    "$venv/bin/coverage" run --branch -m pytest -q -p no:cacheprovider >/dev/null
    "$venv/bin/coverage" xml -q -o "$work/$1.xml"
    rm -f .coverage
}

git add -A && git commit -qm "orders, in a style of its own" && git tag before
measure before
"$venv/bin/black" -q shop/orders.py
export GIT_AUTHOR_DATE="2026-01-02T12:00:00Z" GIT_COMMITTER_DATE="2026-01-02T12:00:00Z"
git add -A && git commit -qm "black" && git tag after
measure after

echo "black $("$venv/bin/black" --version | sed -n 1p | cut -d' ' -f2), coverage.py $("$venv/bin/coverage" --version | sed -n 1p | sed 's/.*version \([^ ]*\).*/\1/')"
git diff --stat before after | tail -1
db=$work/covgit.db
cg() { "$covgit" -C "$repo" --db "$db" "$@"; }
cg -q record --commit before "$work/before.xml"
cg -q record --commit after "$work/after.xml"

for mode in no-moves moves; do
    flags=()
    [ "$mode" = no-moves ] && flags=(--no-moves)
    cg compare before..after --format json "${flags[@]}" > "$work/$mode.json" || true
    echo
    echo "== covgit compare before..after ${flags[*]:-(moves on)}"
    cg compare before..after "${flags[@]}" || true
done

python3 - "$work" "$repo" <<'EOF'
import json, sys
work, repo = sys.argv[1:]
src = open(f"{repo}/shop/orders.py").read().splitlines()
for mode in ("no-moves", "moves"):
    try:
        js = json.load(open(f"{work}/{mode}.json"))
    except ValueError:
        print(f"{mode:>9}: compare failed (a covgit without moves has no --no-moves)")
        continue
    kinds = {}
    for r in js["lines"]:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + r["end"] - r["start"] + 1
    p = js["patch"]
    print(f"{mode:>9}: patch lines {p['lines']} (hit {p['hit']}, partial {p['partial']}, miss {p['miss']}), "
          f"listed lines by kind {dict(sorted(kinds.items()))}")
print("\nlines still added with moves on (head line: text):")
for r in js["lines"]:
    if r["kind"] == "added" and r["path"] == "shop/orders.py":
        for n in range(r["start"], r["end"] + 1):
            print(f"  {n:4}: {src[n - 1]}")
EOF
