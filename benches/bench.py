#!/usr/bin/env python3
"""covgit against its peers on one synthetic data set, side by side in one run.

    python3 benches/bench.py target/release/covgit [--size 1k|5k|20k] [--peers] [--keep DIR]

Generates two versions of a Python code base with Cobertura reports (gen_cobertura.py beside
this file: 20% of files edited, functions inserted, deleted and flipped), commits them to a
git repo, then measures wall time and peak memory (/usr/bin/time) of:
  covgit record v1, covgit record v2, covgit compare v1..v2 --format json,
  with --peers also diff-cover and pycobertura diff (installed into a venv on first use).
It also scores line-mapping accuracy: of the lines covgit reports as `lost` (covered before,
missed now), how many are false, judged by the generator's ground truth (each function f_K
is unique, so where its lines went is known). git's Myers diff makes ~416 false lost lines
on the 5k set and its patience diff ~52; the goal is 0.

Prints a table; the last line is a one-line summary. Exit 0 unless something failed to run.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"1k": (1000, 200), "5k": (5000, 400), "20k": (20000, 400)}
DEF = re.compile(r"^def f_(\d+)\(x\):")


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


def truth_map(a, b):
    starts_b = {}
    for i, t in enumerate(b, 1):
        m = DEF.match(t)
        if m:
            starts_b[m.group(1)] = i
    mp, cur, start = {}, None, None
    for i, t in enumerate(a, 1):
        m = DEF.match(t)
        if m:
            cur, start = m.group(1), i
        if cur is not None and cur in starts_b:
            j = starts_b[cur] + (i - start)
            if j <= len(b) and b[j - 1] == t:
                mp[i] = j
    return mp


def xml_hits(path):
    out = {}
    for cls in ET.parse(path).getroot().iter("class"):
        out[cls.get("filename")] = {int(l.get("number")): int(l.get("hits")) for l in cls.iter("line")}
    return out


def mapping_score(data, compare_json):
    """(reported lost, false lost, missed lost) for covgit's answer against the truth."""
    x1, x2 = xml_hits(f"{data}/v1/coverage.xml"), xml_hits(f"{data}/v2/coverage.xml")
    true_lost = set()
    for f in x1:
        a = open(f"{data}/v1/src/{f}").read().splitlines()
        b = open(f"{data}/v2/src/{f}").read().splitlines()
        if a == b:
            continue
        tm = truth_map(a, b)
        for ln, hits in x1[f].items():
            t = tm.get(ln)
            if t is not None and hits > 0 and x2[f].get(t, 1) == 0:
                true_lost.add((f, t))
    got = set()
    for r in compare_json["lines"]:
        if r["kind"] == "lost" and r["to"] == "miss":
            for i in range(r["end"] - r["start"] + 1):
                got.add((r["path"], r["start"] + i))
    return len(got), len(got - true_lost), len(true_lost - got)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("covgit")
    ap.add_argument("--size", default="1k", choices=SIZES)
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--keep")
    ap.add_argument("--json", help="also write the figures to this file as JSON")
    a = ap.parse_args()
    covgit = os.path.abspath(a.covgit)
    files, lines = SIZES[a.size]
    work = a.keep or tempfile.mkdtemp(prefix="covgit-bench-")
    data, repo = f"{work}/data", f"{work}/repo"
    if not os.path.exists(f"{data}/v2/coverage.xml"):
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(repo)
        subprocess.run([sys.executable, f"{HERE}/gen_cobertura.py", "--files", str(files), "--lines", str(lines),
                        "--out", data, "--source-root", repo], check=True, stderr=subprocess.DEVNULL)
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
    r1 = run("covgit record v1", base + ["record", "--commit", "v1", f"{data}/v1/coverage.xml"])
    r2 = run("covgit record v2", base + ["record", "--commit", "v2", f"{data}/v2/coverage.xml"])
    cmp_out = f"{work}/compare.json"
    c = run("covgit compare v1..v2", base + ["compare", "v1..v2", "--format", "json"], out=cmp_out)
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
    print(f"data set {a.size}: {files} files x {lines} lines, v2 report {mb:.1f} MB, store after two records {db_mb:.1f} MB")
    print(f"{'what':<28}{'wall s':>9}{'peak MiB':>10}  note")
    for label, wall, rss, note in rows:
        print(f"{label:<28}{wall:>9.2f}{rss:>10}  {note}")
    summary = [f"covgit record+compare {ours:.2f}s", f"record {mb / max(r2, 1e-9):.0f} MB/s"]
    figures = {"size": a.size, "report_mb": mb, "store_mb": db_mb, "failed": failed,
               "rows": [{"what": l, "wall_s": w_, "peak_mib": r_, "note": n_} for l, w_, r_, n_ in rows],
               "ours_s": ours, "record_v2_s": r2, "compare_s": c,
               "ratios": {k: t / max(ours, 1e-9) for k, t in peer_times.items()}}
    for k, t in peer_times.items():
        summary.append(f"{k} {t / max(ours, 1e-9):.1f}x slower")
    try:
        js = json.load(open(cmp_out))
        rep, false, missed = mapping_score(data, js)
        summary.append(f"lost lines reported {rep}, false {false}, missed {missed}")
        figures["lost"] = {"reported": rep, "false": false, "missed": missed}
    except Exception as e:  # no or bad JSON: say so, do not score
        summary.append(f"no mapping score ({type(e).__name__})")
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
