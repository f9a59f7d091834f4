//! Delivery of pushes to developers' servers: at least once, through a durable outbox,
//! with retries on a fixed backoff; a failing server never blocks a send (sends only
//! queue). The HTTP side lives in `openmini-server`; the rules are here.

/// Waits before the 2nd, 3rd, … attempt. After the last, the item is dead (kept in the
/// delivery log). About 10 hours in all, like WeChat's own retries of a few hours.
pub const BACKOFF_MS: [i64; 8] = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000];

/// How long a node holds a claimed item before another node may try it.
pub const LEASE_MS: i64 = 30_000;

/// Longest answer read from a developer's server.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// When to try again after `attempts` failed attempts; `None`: give up.
pub fn retry_after(attempts: i64) -> Option<i64> {
    usize::try_from(attempts - 1).ok().and_then(|i| BACKOFF_MS.get(i)).copied()
}

/// Whether a developer's answer acknowledges the push: HTTP 200 with `success` or an
/// empty body (anything else is retried; the error names what came back).
pub fn acknowledged(status: u16, body: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if status != 200 {
        return Err(format!("HTTP {status}: {}", excerpt(text)));
    }
    if text.is_empty() || text == "success" {
        return Ok(());
    }
    Err(format!("answer is neither empty nor \"success\": {}", excerpt(text)))
}

/// At most 200 printable characters of what a server sent, for the delivery log.
pub fn excerpt(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Checks a server URL the way WeChat does when it is configured: GET with
/// `signature, timestamp, nonce, echostr`; the server must answer with `echostr`.
pub fn echo_ok(expected: &str, status: u16, body: &[u8]) -> Result<(), String> {
    if status != 200 {
        return Err(format!("HTTP {status} to the URL check"));
    }
    let got = String::from_utf8_lossy(body);
    if got.trim() != expected {
        return Err(format!("the server answered {:?}, not the echostr", excerpt(got.trim())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_then_give_up() {
        assert_eq!(retry_after(1), Some(5_000));
        assert_eq!(retry_after(8), Some(6 * 3_600_000));
        assert_eq!(retry_after(9), None);
        assert_eq!(retry_after(0), None);
    }

    #[test]
    fn only_200_success_or_empty_acknowledges() {
        assert!(acknowledged(200, b"success").is_ok());
        assert!(acknowledged(200, b"  \n").is_ok());
        assert!(acknowledged(200, b"fail").is_err());
        assert!(acknowledged(500, b"success").is_err());
        assert!(acknowledged(200, &[0xff, 0xfe]).is_err());
        assert_eq!(excerpt(&"x".repeat(1000)).len(), 200);
    }
}
