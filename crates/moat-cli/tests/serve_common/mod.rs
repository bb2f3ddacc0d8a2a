//! A `moat serve` child process for the CLI's server tests, and plain
//! HTTP/1.1 requests to it (no client library: the tests need four verbs).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const TOKEN: &str = "cli-test-access-token";

pub struct Server {
    pub child: Child,
    pub addr: String,
    /// Lines printed before the URL (an upload token).
    pub preamble: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `moat serve ARGS --port 0 --token TOKEN` in `dir` and waits for its URL.
// the child is killed and waited for when the returned Server drops
#[allow(clippy::zombie_processes)]
pub fn start(dir: &Path, args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_moat"))
        .current_dir(dir)
        .arg("serve")
        .args(args)
        .args(["--port", "0", "--token", TOKEN])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut preamble = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the server printed no URL"
        );
        if let Some(rest) = line.trim().strip_prefix("Open http://") {
            let addr = rest.split('/').next().unwrap().to_string();
            return Server {
                child,
                addr,
                preamble,
            };
        }
        preamble.push(line.trim().to_string());
    }
}

/// One request with the access token over a fresh connection: the status
/// code (0 when the connection failed) and the body.
pub fn request(addr: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
