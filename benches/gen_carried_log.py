#!/usr/bin/env python3
"""The `covgit log` carryforward bench (benches/FLAGS.md).

Usage: gen_carried_log.py N K DIR COVGIT

Builds DIR/repo: N commits over 200 files of 50 lines, each commit editing one line of one
file; records `unit` (50 files) on every commit with COVGIT, and `e2e` (all 200 files) on the
root and every K-th commit (K = 0: the root only). `.covgit.toml` expects both, carries `e2e`
forward and sets `max_depth` past N. Then time `covgit log` and `covgit log --format svg` in
DIR/repo.
"""
import os, subprocess, sys
N = int(sys.argv[1]); K = int(sys.argv[2]); root = sys.argv[3]; covgit = sys.argv[4]
FILES, LINES = 200, 50
env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
           GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@x", GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@x")
repo = os.path.join(root, "repo"); os.makedirs(repo, exist_ok=True)
def git(*a, **kw): return subprocess.run(["git", *a], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()
git("init", "-q", "-b", "main")
def content(i, rev): return "".join(f"f{i}_{l} = {rev if l == 25 else l}\n" for l in range(1, LINES + 1))
for i in range(FILES):
    os.makedirs(f"{repo}/src", exist_ok=True)
    open(f"{repo}/src/m{i}.py", "w").write(content(i, 0))
open(f"{repo}/.covgit.toml", "w").write('[flags]\nexpected = ["unit", "e2e"]\ncarryforward = ["e2e"]\n[compare]\nmax_depth = %d\n' % (N + 10))
shas = []
for c in range(N):
    if c > 0:
        i = c % FILES
        open(f"{repo}/src/m{i}.py", "w").write(content(i, c))
    git("add", "-A"); git("commit", "-q", "-m", f"c{c}", "--date", f"@{1767225600 + c * 60} +0000")
    shas.append(git("rev-parse", "HEAD"))
def lcov(files, hit):
    out = []
    for i in files:
        out.append(f"SF:src/m{i}.py")
        out += [f"DA:{l},{1 if hit(i, l) else 0}" for l in range(1, LINES + 1)]
        out.append("end_of_record")
    return "\n".join(out) + "\n"
unit = os.path.join(root, "unit.info"); e2e = os.path.join(root, "e2e.info")
open(unit, "w").write(lcov(range(0, FILES, 4), lambda i, l: l % 2 == 0))
open(e2e, "w").write(lcov(range(FILES), lambda i, l: l % 3 != 0))
for c, sha in enumerate(shas):
    subprocess.run([covgit, "record", unit, "--flag", "unit", "--commit", sha], cwd=repo, env=env, check=True, capture_output=True)
    if c == 0 or (K > 0 and c % K == 0):
        subprocess.run([covgit, "record", e2e, "--flag", "e2e", "--commit", sha], cwd=repo, env=env, check=True, capture_output=True)
print(repo)
