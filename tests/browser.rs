//! The HTML site in a real browser: Debian's headless `chromium`, driven through
//! `chromedriver` over the `WebDriver` protocol (a few HTTP requests on a local socket, so no
//! client crate). A site written by the covgit binary from a real repository is loaded from
//! disk (`file://`): no console error, the files table sorts when a header is clicked, and
//! `j`/`k` on a file page move `location.hash` to the next and previous problem line.
//! Screenshots land in `target/browser-test/*.png` for a person to look at.
//!
//! Without `chromium` or `chromedriver` the test is skipped with a note, unless `CI` is set:
//! then it fails and says what to install (`.ci/run` installs both). chromedriver picks its
//! own free port, every request has a timeout, and dropping the driver kills its whole
//! process group, so a failed run leaves no browser behind (Unix only, as Debian's package).

#![cfg(unix)]

#[path = "cli/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "cli/site.rs"]
#[allow(dead_code)]
mod site;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The first of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// `chromedriver`, stopped when dropped with every browser it started, even one whose session
/// was never closed (a failed assertion, a hung driver): it runs in a process group of its
/// own, and the whole group is killed.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid (`process_group(0)`); chromium inherits it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How long chromedriver may take to start, and any one `WebDriver` request to answer: the
/// test fails after that instead of hanging.
const START: Duration = Duration::from_secs(30);
const REQUEST: Duration = Duration::from_secs(120);

impl Driver {
    fn start(binary: &Path) -> Driver {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        // `--port=0`: the system picks a free port and chromedriver says which, so tests
        // running side by side never race for one.
        let mut child = Command::new(binary)
            .arg("--port=0")
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().expect("chromedriver's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Read to the end, so chromedriver never blocks on a full pipe.
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    let _ = tx.send(rest.trim_end_matches('.').trim().parse::<u16>().ok());
                }
            }
        });
        let mut driver = Driver { child, port: 0 };
        match rx.recv_timeout(START) {
            Ok(Some(port)) => driver.port = port,
            other => panic!("chromedriver did not say its port within {START:?}: {other:?}"),
        }
        let started = Instant::now();
        loop {
            if let Ok((200, v)) = driver.http("GET", "/status", None)
                && v["value"]["ready"] == true
            {
                return driver;
            }
            assert!(
                started.elapsed() < START,
                "chromedriver is not ready after {START:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One HTTP/1.1 request; the status and the JSON body.
    fn http(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> std::io::Result<(u16, Value)> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut s = TcpStream::connect_timeout(&addr, START)?;
        s.set_read_timeout(Some(REQUEST))?;
        s.set_write_timeout(Some(REQUEST))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        // chromedriver keeps the connection open: read the header, then Content-Length bytes.
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        let split = loop {
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            let n = s.read(&mut buf)?;
            if n == 0 {
                return Err(std::io::Error::other("no HTTP header"));
            }
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let length = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse::<usize>().ok());
        let mut content = raw[split + 4..].to_vec();
        match length {
            Some(len) => {
                while content.len() < len {
                    let n = s.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    content.extend_from_slice(&buf[..n]);
                }
            }
            None => {
                s.read_to_end(&mut content)?;
                if head
                    .to_ascii_lowercase()
                    .contains("transfer-encoding: chunked")
                {
                    content = unchunk(&content);
                }
            }
        }
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let value = serde_json::from_slice(&content).unwrap_or(Value::Null);
        Ok((status, value))
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// A browser session.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .http("DELETE", &format!("/session/{}", self.id), None);
    }
}

impl Session<'_> {
    fn new<'a>(driver: &'a Driver, chromium: &Path, profile: &Path) -> Session<'a> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": 30_000, "script": 30_000, "implicit": 0},
            "goog:chromeOptions": {
                "binary": chromium.to_str().unwrap(),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1000,900",
                ],
            },
        }}});
        let (status, v) = driver
            .http("POST", "/session", Some(&caps))
            .expect("new session");
        assert_eq!(status, 200, "chromedriver refused the session: {v}");
        let id = v["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        Session { driver, id }
    }

    #[track_caller]
    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let url = format!("/session/{}{path}", self.id);
        let (status, v) = self
            .driver
            .http(method, &url, body)
            .expect("WebDriver answers");
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn open(&self, file: &Path) {
        let url = format!("file://{}", file.display());
        self.cmd("POST", "/url", Some(&json!({ "url": url })));
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(&json!({"script": script, "args": []})),
        )
    }

    fn click(&self, css: &str) {
        let el = self.cmd(
            "POST",
            "/element",
            Some(&json!({"using": "css selector", "value": css})),
        );
        let id = el
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("an element")
            .to_owned();
        self.cmd("POST", &format!("/element/{id}/click"), Some(&json!({})));
    }

    fn key(&self, key: &str) {
        self.cmd(
            "POST",
            "/actions",
            Some(
                &json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                    {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key},
                ]}]}),
            ),
        );
    }

    /// The browser's console entries at level SEVERE since the last call.
    fn errors(&self) -> Vec<String> {
        let logs = self.cmd("POST", "/se/log", Some(&json!({"type": "browser"})));
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    fn screenshot(&self, to: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64(b64.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(to, png).expect("screenshot written");
    }

    /// `prefers-color-scheme: dark`, through the `DevTools` protocol chromedriver passes on.
    fn dark(&self) {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(&json!({"cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{"name": "prefers-color-scheme", "value": "dark"}]
            }})),
        );
    }
}

fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// The `data-path` of the files table's rows, in the order shown.
const ROWS: &str =
    "return Array.from(document.querySelectorAll('#files tbody tr')).map(r => r.dataset.path)";

/// `chromium` and `chromedriver`; `None` (the test is skipped) when one is missing, unless
/// `CI` is set: then the test fails and says what to install.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path(&["chromium", "chromium-browser"]);
    let chromedriver = on_path(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let msg = "the browser test needs `chromium` and `chromedriver` on PATH \
                   (Debian: apt-get install -y chromium chromium-driver)";
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        eprintln!("skipped: {msg}");
        return None;
    };
    Some((chromium, chromedriver))
}

/// The processes whose command line mentions `needle` (Linux's `/proc`).
fn processes_with(needle: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(needle))
        .collect()
}

#[test]
fn a_run_that_fails_leaves_no_browser_running() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    if !Path::new("/proc/self/cmdline").exists() {
        eprintln!("skipped: no /proc to list processes");
        return;
    }
    let profile = tempfile::tempdir().unwrap();
    let needle = profile.path().to_string_lossy().into_owned();
    {
        let driver = Driver::start(&chromedriver);
        let s = Session::new(&driver, &chromium, profile.path());
        assert!(!processes_with(&needle).is_empty(), "chromium runs");
        // As when chromedriver hangs: the session is never closed, only the driver dropped.
        std::mem::forget(s);
    }
    let since = Instant::now();
    while !processes_with(&needle).is_empty() && since.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        processes_with(&needle),
        Vec::<String>::new(),
        "left running"
    );
}

#[test]
fn the_site_works_in_headless_chromium() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };

    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("browser-test");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let repo = site::history();
    let dir = out.join("site");
    site::write(&repo, &dir).ok();
    let profile = tempfile::tempdir().unwrap();

    let driver = Driver::start(&chromedriver);
    let s = Session::new(&driver, &chromium, profile.path());
    s.open(&dir.join("index.html"));
    files_table_sorts(&s, &out);
    j_and_k_move_between_problems(&s, &out);
    folders_and_moves_link(&s, &dir);
    eprintln!("screenshots in {}", out.display());
}

/// On the index: no console error, and the files table sorts both ways by a column.
fn files_table_sorts(s: &Session<'_>, out: &Path) {
    assert_eq!(
        s.errors(),
        Vec::<String>::new(),
        "console errors on the index"
    );
    let shown: Vec<String> = serde_json::from_value(s.js(ROWS)).unwrap();
    let mut by_path = shown.clone();
    by_path.sort();
    assert_eq!(shown, by_path, "rows start in path order");

    s.click("#files th button[data-sort=\"lost\"]");
    let sort = "return document.querySelector('#files th button[data-sort=\"lost\"]').closest('th').getAttribute('aria-sort')";
    assert_eq!(s.js(sort), "ascending");
    let ascending: Vec<String> = serde_json::from_value(s.js(ROWS)).unwrap();
    // 1 lost line each in m1 and m3, 2 in calc; files without lost lines (0) first.
    assert_eq!(
        ascending.last().map(String::as_str),
        Some(site::CALC),
        "{ascending:?}"
    );
    s.click("#files th button[data-sort=\"lost\"]");
    assert_eq!(s.js(sort), "descending");
    let descending: Vec<String> = serde_json::from_value(s.js(ROWS)).unwrap();
    assert_eq!(
        descending.first().map(String::as_str),
        Some(site::CALC),
        "{descending:?}"
    );
    assert_eq!(
        &descending[1..3],
        ["lib/deep/m1.py", "lib/deep/m3.py"],
        "{descending:?}"
    );
    s.click("#files th button[data-sort=\"path\"]");
    let paths: Vec<String> = serde_json::from_value(s.js(ROWS)).unwrap();
    assert_eq!(paths, by_path, "sorting by path again");
    s.click("#files th button[data-sort=\"path\"]");
    let reversed: Vec<String> = serde_json::from_value(s.js(ROWS)).unwrap();
    assert_eq!(reversed, by_path.iter().rev().cloned().collect::<Vec<_>>());
    s.click("#files th button[data-sort=\"lost\"]");
    s.click("#files th button[data-sort=\"lost\"]");
    s.js("window.scrollTo(0, 0); return null");
    s.screenshot(&out.join("index.png"));
    s.js("document.getElementById('files').scrollIntoView(); return null");
    s.screenshot(&out.join("index-files.png"));
    assert_eq!(
        s.errors(),
        Vec::<String>::new(),
        "console errors after sorting"
    );
}

/// From the index to a file page, then `j`/`k` between its problem lines.
fn j_and_k_move_between_problems(s: &Session<'_>, out: &Path) {
    // Follow the row's link to the file page.
    s.click(&format!("#files tr[data-path=\"{}\"] a.file", site::CALC));
    let url = s
        .js("return location.pathname")
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.ends_with("/f/src/calc.py.html"), "{url}");
    assert_eq!(
        s.errors(),
        Vec::<String>::new(),
        "console errors on the file page"
    );
    let problems: Vec<String> = serde_json::from_value(
        s.js("return Array.from(document.querySelectorAll('.problem')).map(e => e.id)"),
    )
    .unwrap();
    assert_eq!(problems, ["p1", "p2", "p3"]);
    let state = "return [location.hash, Array.from(document.querySelectorAll('.current')).map(e => e.id).join(' '), document.querySelector('.current') && document.querySelector('.current').classList.contains('k-lost')]";
    s.key("j");
    assert_eq!(
        s.js(state),
        json!(["#p1", "p1", true]),
        "the first lost line"
    );
    s.key("j");
    assert_eq!(
        s.js(state),
        json!(["#p2", "p2", true]),
        "the next lost line"
    );
    s.key("j");
    assert_eq!(
        s.js(state),
        json!(["#p3", "p3", false]),
        "the uncovered added line"
    );
    s.key("k");
    assert_eq!(
        s.js(state),
        json!(["#p2", "p2", true]),
        "back to the previous"
    );
    s.screenshot(&out.join("file.png"));
    s.dark();
    s.screenshot(&out.join("file-dark.png"));
    assert_eq!(s.errors(), Vec::<String>::new(), "console errors after j/k");
}

/// A folder page, and a moved block's link to where it came from.
fn folders_and_moves_link(s: &Session<'_>, dir: &Path) {
    // A folder page and the moved file's link to its origin.
    s.open(&dir.join("files.html"));
    s.click("a.folder[href=\"d/src.html\"]");
    s.click("#folders a.folder");
    s.open(&dir.join("f/src/util/moved.py.html"));
    s.click("tr.note a");
    let at = s.js("return [location.pathname.split('/').slice(-2).join('/'), location.hash]");
    assert_eq!(at, json!(["src/calc.py.html", "#b15"]));
    assert_eq!(
        s.errors(),
        Vec::<String>::new(),
        "console errors on folders"
    );
}
