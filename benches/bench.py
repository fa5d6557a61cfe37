#!/usr/bin/env python3
"""covgit against its peers on one synthetic data set, side by side in one run.

    python3 benches/bench.py target/release/covgit [--size 1k|5k|20k] [--peers] [--keep DIR]
                             [--moves SHARE] [--no-moves] [--flags N [--carry M]] [--json FILE]

Generates two versions of a Python code base with Cobertura reports (gen_cobertura.py beside
this file: 20% of files edited, functions inserted, deleted and flipped), commits them to a
git repo, then measures wall time and peak memory (/usr/bin/time) of:
  covgit record v1, covgit record v2, covgit compare v1..v2 --format json,
  with --peers also diff-cover and pycobertura diff (installed into a venv on first use).
It also scores line-mapping accuracy: of the lines covgit reports as `lost` (covered before,
missed now), how many are false, judged by the generator's ground truth (each function f_K
is unique, so where its lines went is known). git's Myers diff makes ~416 false lost lines
on the 5k set and its patience diff ~52; the goal is 0.

With --moves SHARE the data set also holds moves with known truth (gen_cobertura.py --moves:
functions moved to other or new files, files split, functions moved up or down, bodies
re-indented under a new `if`, and too-short moves that must stay added), and the moved lines
tracked on either side are scored from `covgit compare --format json` (compare/2, or compare/1
with --no-moves or an older covgit): found (listed with the right origin: `moved`,
`reformatted`, or a changed state with base_path/base_start pointing at it), missed (listed as
`added`), wrong origin, unlisted (not listed: the line diff kept it, same state); wrongly
claimed counts every listed line whose origin (or kind moved/reformatted) the truth does not
give it; the too-short moves' lines must stay `added`. --no-moves passes --no-moves to
compare, for today's plain-diff result on the same data.

With --flags N each version's report is split into N uploads of about files/N files each
(flags f0, f1, ...; file i goes to flag i mod N), recorded one by one, as a CI matrix would.
--carry M leaves the last M flags unrecorded on v2 with `[flags] carryforward` listing every
flag (an untracked .covgit.toml in the repo), so compare carries them from v1 through the
v1 -> v2 diff (see FLAGS.md for the figures). The mapping score is left out with --carry:
a carried flag is v1's coverage remapped, not v2's, so the generator's truth does not apply.

Prints a table; the last line is a one-line summary. Exit 0 unless something failed to run.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"1k": (1000, 200), "5k": (5000, 400), "20k": (20000, 400)}
FUNC = re.compile(r"^def ([fs]_\d+)\(")
WRAP = "if x is not None:"


def timed(cmd, cwd=None, out=None):
    tf = tempfile.NamedTemporaryFile(delete=False, suffix=".time")
    t0 = time.time()
    with open(out or os.devnull, "w") as fo:
        p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name, *cmd], cwd=cwd, stdout=fo,
                           stderr=subprocess.PIPE, text=True)
    wall = time.time() - t0
    rss = 0
    for ln in open(tf.name):
        if "Maximum resident set size" in ln:
            rss = int(ln.split(":")[1]) // 1024
    os.unlink(tf.name)
    return p.returncode, wall, rss, p.stderr[-2000:]


def peers_venv():
    venv = "/tmp/covgit-bench-peers"
    if not os.path.exists(f"{venv}/bin/diff-cover"):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([f"{venv}/bin/pip", "install", "-q", "diff-cover", "pycobertura"], check=True)
    return venv


def functions(lines):
    """Function key -> (1-based def line, its lines up to the next unindented line)."""
    out, key = {}, None
    for i, t in enumerate(lines, 1):
        m = FUNC.match(t)
        if m:
            key = m.group(1)
            out[key] = (i, [t])
        elif key is not None and (not t or t[0] in " \t"):
            out[key][1].append(t)
        else:
            key = None
    return out


def truth(data, shorts):
    """Head line -> (base line, function key) for every head line that is the same code as a
    base line (unchanged, moved or re-indented), over the files whose text changed; lines are
    (path, number). Each function f_K / s_K is unique, so where its lines went is known;
    a re-indent wraps a body under a new `if x is not None:` line, which is new code. The
    short functions are left out: they must stay added. Unchanged files map line to itself
    (see same_code)."""
    v1, v2 = f"{data}/v1/src", f"{data}/v2/src"
    rel = lambda root: {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}
    base_funcs, head_funcs, unchanged = {}, {}, set()
    for f in sorted(rel(v1) | rel(v2)):
        a = open(f"{v1}/{f}").read().splitlines() if os.path.exists(f"{v1}/{f}") else None
        b = open(f"{v2}/{f}").read().splitlines() if os.path.exists(f"{v2}/{f}") else None
        if a == b:
            unchanged.add(f)
            continue
        for side, lines in ((base_funcs, a), (head_funcs, b)):
            for key, (start, body) in functions(lines or []).items():
                side[key] = (f, start, body)
    tm = {}
    for key, (hf, hs, hb) in head_funcs.items():
        if key not in base_funcs or key in shorts:
            continue
        bf, bs, bb = base_funcs[key]
        i = j = 0
        while i < len(bb) and j < len(hb):
            if bb[i].strip() == hb[j].strip():
                tm[(hf, hs + j)] = ((bf, bs + i), key)
                i, j = i + 1, j + 1
            elif hb[j].strip() == WRAP:
                j += 1
            else:  # an edited statement: not the same code
                i, j = i + 1, j + 1
    return tm, unchanged, head_funcs


def same_code(tm, unchanged, head):
    """The base line holding the same code as head line `head`, or None."""
    if head[0] in unchanged:
        return head
    hit = tm.get(head)
    return hit[0] if hit else None


def xml_hits(path):
    out = {}
    for cls in ET.parse(path).getroot().iter("class"):
        out[cls.get("filename")] = {int(l.get("number")): int(l.get("hits")) for l in cls.iter("line")}
    return out


class NotScored(Exception):
    """The mapping score does not apply to this run."""


def split_report(path, flags, out_prefix):
    """Writes `path` (Cobertura) as `flags` reports, file i of the sorted file names going to
    flag i mod `flags`; returns their paths, flag f0 first."""
    names = sorted({c.get("filename") for c in ET.parse(path).getroot().iter("class")})
    flag_of = {n: i % flags for i, n in enumerate(names)}
    out = []
    for k in range(flags):
        tree = ET.parse(path)
        for pkg in list(tree.getroot().iter("package")):
            classes = pkg.find("classes")
            for cls in list(classes):
                if flag_of[cls.get("filename")] != k:
                    classes.remove(cls)
        for pkgs in tree.getroot().iter("packages"):
            for pkg in list(pkgs):
                if not len(pkg.find("classes")):
                    pkgs.remove(pkg)
        out.append(f"{out_prefix}.f{k}.xml")
        tree.write(out[-1], encoding="utf-8", xml_declaration=True)
    return out


def claims(compare_json):
    """Head line -> (kind, the base line covgit says it came from, or None), from the runs."""
    out = {}
    # compare/1 has no base_path on runs: a renamed file's runs come from its base path.
    renamed = {f["path"]: f["base_path"] for f in compare_json["files"] if f.get("base_path")}
    for r in compare_json["lines"]:
        if r["kind"] == "removed":
            continue
        base_path = (r["base_path"] if "base_path" in r else renamed.get(r["path"])) or r["path"]
        for i in range(r["end"] - r["start"] + 1):
            origin = None
            if r.get("base_start") is not None:
                origin = (base_path, r["base_start"] + i)
            out[(r["path"], r["start"] + i)] = (r["kind"], origin)
    return out


def mapping_score(data, compare_json):
    """Lost lines (reported, false, missed) for covgit's answer against the truth, and with a
    moves data set (moves.json) the moved-line score."""
    x1, x2 = xml_hits(f"{data}/v1/coverage.xml"), xml_hits(f"{data}/v2/coverage.xml")
    moves = json.load(open(f"{data}/moves.json")) if os.path.exists(f"{data}/moves.json") else None
    shorts = set(moves["short"]) if moves else set()
    tm, unchanged, head_funcs = truth(data, shorts)
    true_lost = set()
    for head, ((bf, bl), _) in tm.items():
        hits = x1.get(bf, {}).get(bl)
        if hits is not None and hits > 0 and x2.get(head[0], {}).get(head[1], 1) == 0:
            true_lost.add(head)
    got = set()
    for r in compare_json["lines"]:
        if r["kind"] == "lost" and r["to"] == "miss":
            for i in range(r["end"] - r["start"] + 1):
                got.add((r["path"], r["start"] + i))
    score = {"lost": {"reported": len(got), "false": len(got - true_lost), "missed": len(true_lost - got)}}
    if moves is None:
        return score
    said = claims(compare_json)
    tracked = lambda head, base: head[1] in x2.get(head[0], {}) or (base and base[1] in x1.get(base[0], {}))
    # Truth: head lines of moved functions that are tracked on either side.
    moved = {h: b for h, (b, key) in tm.items() if key in moves["moved"] and tracked(h, b)}
    found = missed = wrong_origin = unlisted = 0
    for h, b in moved.items():
        if h not in said:
            unlisted += 1  # kept by the line diff, same state: nothing to list
        elif said[h][0] == "added":
            missed += 1
        elif said[h][1] == b:
            found += 1
        else:
            wrong_origin += 1
    # Wrongly claimed: a listed line with an origin (or kind moved/reformatted) the truth
    # does not give it.
    wrong = wrong_moved = 0
    for h, (kind, origin) in said.items():
        if origin is None and kind not in ("moved", "reformatted"):
            continue
        if origin is None or origin != same_code(tm, unchanged, h):
            wrong += 1
            wrong_moved += kind in ("moved", "reformatted")
    # The two tracked lines of each short function (def and return).
    short_lines = [(f, start + k) for key, (f, start, _) in head_funcs.items() if key in shorts for k in (0, 1)]
    short_added = sum(1 for h in short_lines if said.get(h, ("",))[0] == "added")
    score["moves"] = {"truth": len(moved), "found": found, "missed": missed, "wrong_origin": wrong_origin,
                      "unlisted": unlisted, "wrongly_claimed": wrong, "wrongly_claimed_moved": wrong_moved,
                      "short_lines": len(short_lines), "short_stayed_added": short_added,
                      "ops": moves["ops"]}
    return score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covgit")
    ap.add_argument("--size", default="1k", choices=SIZES)
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--keep")
    ap.add_argument("--json", help="also write the figures to this file as JSON")
    ap.add_argument("--moves", type=float, default=0.0, metavar="SHARE",
                    help="a data set where this share of files also gets a move with known truth "
                         "(e.g. 0.05); 0, the default, is the data set of old runs")
    ap.add_argument("--no-moves", action="store_true", help="pass --no-moves to covgit compare")
    ap.add_argument("--flags", type=int, default=1, metavar="N",
                    help="record each version as N uploads (flags f0..), about files/N files each")
    ap.add_argument("--carry", type=int, default=0, metavar="M",
                    help="with --flags: leave the last M flags unrecorded on v2, carried forward from v1")
    a = ap.parse_args()
    if a.flags < 1 or not 0 <= a.carry < a.flags:
        ap.error("--flags must be at least 1 and --carry below it")
    covgit = os.path.abspath(a.covgit)
    files, lines = SIZES[a.size]
    work = a.keep or tempfile.mkdtemp(prefix="covgit-bench-")
    data, repo = f"{work}/data", f"{work}/repo"
    stamp = json.dumps({"size": a.size, "moves": a.moves})
    made = open(f"{work}/made").read() if os.path.exists(f"{work}/made") else None
    if made != stamp and (made is not None or a.moves or not os.path.exists(f"{data}/v2/coverage.xml")):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(repo)
        subprocess.run([sys.executable, f"{HERE}/gen_cobertura.py", "--files", str(files), "--lines", str(lines),
                        "--out", data, "--source-root", repo, "--moves", str(a.moves)],
                       check=True, stderr=subprocess.DEVNULL)
        g = lambda *x: subprocess.run(["git", "-C", repo, *x], check=True, capture_output=True)
        g("init", "-q", "-b", "main")
        g("config", "user.email", "b@b")
        g("config", "user.name", "b")
        shutil.copytree(f"{data}/v1/src", repo, dirs_exist_ok=True)
        g("add", "-A"); g("commit", "-qm", "v1"); g("tag", "v1")
        for d in os.listdir(repo):
            if d != ".git":
                shutil.rmtree(f"{repo}/{d}")
        shutil.copytree(f"{data}/v2/src", repo, dirs_exist_ok=True)
        g("add", "-A"); g("commit", "-qm", "v2"); g("tag", "v2")
        open(f"{work}/made", "w").write(stamp)
    db = f"{work}/covgit.db"
    if os.path.exists(db):
        os.remove(db)
    mb = os.path.getsize(f"{data}/v2/coverage.xml") / 1e6
    rows, failed = [], False

    def run(label, cmd, cwd=None, out=None):
        nonlocal failed
        rc, wall, rss, err = timed(cmd, cwd, out)
        ok = rc == 0 or (label.startswith("pycobertura") and rc in (2, 3))
        failed |= not ok
        rows.append((label, wall, rss, "" if ok else f"rc={rc} {err.strip().splitlines()[-1] if err.strip() else ''}"))
        return wall

    base = [covgit, "-C", repo, "--db", db]
    config = f"{repo}/.covgit.toml"
    names = [f"f{k}" for k in range(a.flags)]
    if a.carry:
        # Untracked, read from the working tree: it changes neither commit.
        open(config, "w").write("[flags]\ncarryforward = [%s]\n" % ", ".join(f'"{n}"' for n in names))
    elif os.path.exists(config):
        os.remove(config)
    if a.flags == 1:
        r1 = run("covgit record v1", base + ["record", "--commit", "v1", f"{data}/v1/coverage.xml"])
        r2 = run("covgit record v2", base + ["record", "--commit", "v2", f"{data}/v2/coverage.xml"])
    else:
        r1 = r2 = 0.0
        for v in ("v1", "v2"):
            parts = split_report(f"{data}/{v}/coverage.xml", a.flags, f"{work}/{v}")
            recorded = parts if v == "v1" else parts[:a.flags - a.carry]
            for name, part in zip(names, recorded):
                t = run(f"covgit record {v} --flag {name}",
                        base + ["record", "--commit", v, "--flag", name, part])
                r1, r2 = (r1 + t, r2) if v == "v1" else (r1, r2 + t)
    cmp_out = f"{work}/compare.json"
    label = "covgit compare v1..v2" + (f" ({a.carry} of {a.flags} carried)" if a.carry else
                                        f" ({a.flags} flags)" if a.flags > 1 else "")
    c = run(label, base + ["compare", "v1..v2", "--format", "json"] + ["--no-moves"] * a.no_moves, out=cmp_out)
    ours = r2 + c
    peer_times = {}
    if a.peers:
        venv = peers_venv()
        v1 = subprocess.run(["git", "-C", repo, "rev-parse", "v1"], capture_output=True, text=True).stdout.strip()
        peer_times["diff-cover"] = run("diff-cover (patch only)", [f"{venv}/bin/diff-cover", f"{data}/v2/coverage.xml",
                                         f"--compare-branch={v1}"], cwd=repo)
        peer_times["pycobertura"] = run("pycobertura diff", [f"{venv}/bin/pycobertura", "diff", f"{data}/v1/coverage.xml",
                                          f"{data}/v2/coverage.xml", "--source1", f"{data}/v1/src", "--source2",
                                          f"{data}/v2/src", "--no-color"])
    db_mb = os.path.getsize(db) / 1e6 if os.path.exists(db) else 0
    uploads = "" if a.flags == 1 else f", {a.flags} flags ({a.carry} carried on v2)"
    print(f"data set {a.size}: {files} files x {lines} lines, v2 report {mb:.1f} MB{uploads}, store after recording {db_mb:.1f} MB")
    print(f"{'what':<28}{'wall s':>9}{'peak MiB':>10}  note")
    for label, wall, rss, note in rows:
        print(f"{label:<28}{wall:>9.2f}{rss:>10}  {note}")
    summary = [f"covgit record+compare {ours:.2f}s", f"record {mb / max(r2, 1e-9):.0f} MB/s"]
    figures = {"size": a.size, "flags": a.flags, "carry": a.carry, "report_mb": mb, "store_mb": db_mb, "failed": failed,
               "rows": [{"what": l, "wall_s": w_, "peak_mib": r_, "note": n_} for l, w_, r_, n_ in rows],
               "ours_s": ours, "record_v2_s": r2, "compare_s": c,
               "ratios": {k: t / max(ours, 1e-9) for k, t in peer_times.items()}}
    for k, t in peer_times.items():
        summary.append(f"{k} {t / max(ours, 1e-9):.1f}x slower")
    try:
        js = json.load(open(cmp_out))
        carried = [u for u in js["uploads"]["head"] if u["carried"]] if "uploads" in js else []
        if len(carried) != a.carry:
            raise ValueError(f"{len(carried)} uploads carried, {a.carry} expected")
        if a.carry:
            raise NotScored("carried flags")
        score = mapping_score(data, js)
        lost = score["lost"]
        summary.append(f"lost lines reported {lost['reported']}, false {lost['false']}, missed {lost['missed']}")
        figures.update(score)
        if "moves" in score:
            m = score["moves"]
            summary.append(f"moved lines {m['truth']}: found {m['found']}, missed {m['missed']}, "
                           f"wrong origin {m['wrong_origin']}, unlisted {m['unlisted']}; "
                           f"wrongly claimed {m['wrongly_claimed']} ({m['wrongly_claimed_moved']} as moved); "
                           f"too-short lines kept added {m['short_stayed_added']}/{m['short_lines']}")
    except NotScored as e:  # nothing wrong: the truth does not apply
        summary.append(f"no mapping score ({e})")
    except Exception as e:  # no or bad JSON: say so, do not score
        summary.append(f"no mapping score ({type(e).__name__}: {e})")
        failed = True
    figures["failed"] = failed
    if a.json:
        json.dump(figures, open(a.json, "w"), indent=1)
    print("; ".join(summary))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
