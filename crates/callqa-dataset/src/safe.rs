//! Object-store errors reduced to what is safe to store and show: the HTTP status, the S3
//! error code and what failed. An S3 error body can echo the access key id, a security
//! token or a presigned query string, and `errors/` rows are read by everyone who reads
//! the dataset, so the body itself never leaves this module (it is logged at `debug`).

/// The safe summary of an object-store error, e.g. `HTTP 403, code AccessDenied
/// (permission denied)`.
pub(crate) fn message(e: &object_store::Error) -> String {
    use object_store::Error as E;
    if let E::Generic { store, .. } = e {
        // A local folder's errors (disk full, permissions) carry no secrets and are what
        // an operator needs.
        if *store == "LocalFileSystem" {
            return e.to_string();
        }
    }
    let what = match e {
        E::NotFound { .. } => "not found",
        E::PermissionDenied { .. } => "permission denied",
        E::Unauthenticated { .. } => "not authenticated (check the AWS_* credentials)",
        E::AlreadyExists { .. } => "already exists",
        E::Precondition { .. } => "precondition failed",
        E::NotModified { .. } => "not modified",
        E::InvalidPath { .. } => "unusable object key",
        E::NotSupported { .. } | E::NotImplemented { .. } => "operation not supported",
        _ => "request failed",
    };
    // The full text (with its chain of causes) is searched, never returned.
    let mut full = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        full.push_str(" | ");
        full.push_str(&s.to_string());
        src = s.source();
    }
    tracing::debug!(error = %full, "object store error");
    let mut parts = Vec::new();
    if let Some(status) = status_of(&full) {
        parts.push(format!("HTTP {status}"));
    }
    if let Some(code) = tag_of(&full, "Code") {
        parts.push(format!("code {code}"));
    }
    let lower = full.to_ascii_lowercase();
    if parts.is_empty() {
        if lower.contains("timed out") || lower.contains("timeout") {
            parts.push("timed out".into());
        } else if lower.contains("connect") || lower.contains("dns") {
            parts.push("cannot connect to the endpoint".into());
        }
    }
    if parts.is_empty() {
        what.to_string()
    } else {
        format!("{} ({what})", parts.join(", "))
    }
}

/// A three-digit HTTP status after "status" in `text`.
fn status_of(text: &str) -> Option<u16> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("status") {
        let rest = &lower[from + i + 6..];
        let digits: String = rest
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let gap = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(usize::MAX);
        if gap <= 8 && digits.len() == 3 {
            if let Ok(v) = digits.parse::<u16>() {
                if (100..600).contains(&v) {
                    return Some(v);
                }
            }
        }
        from += i + 6;
    }
    None
}

/// The content of `<tag>…</tag>` in an XML error body, when it is a short identifier.
fn tag_of(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find('<')? + start;
    let v = &text[start..end];
    (!v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        .then(|| v.to_string())
}

/// Whether a listing failed on a key that object_store cannot represent.
pub(crate) fn is_unusable_key(e: &object_store::Error) -> bool {
    matches!(
        e,
        object_store::Error::InvalidPath {
            source: object_store::path::Error::BadSegment { .. }
                | object_store::path::Error::EmptySegment { .. }
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_reduced_to_status_and_code() {
        let body = "Server returned non-2xx status code: 403 Forbidden: <?xml version=\"1.0\"?>\
                    <Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id \
                    AKIAIOSFODNN7EXAMPLE does not exist</Message><AWSAccessKeyId>\
                    AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId></Error>";
        let e = object_store::Error::Generic {
            store: "S3",
            source: body.into(),
        };
        let m = message(&e);
        assert_eq!(m, "HTTP 403, code InvalidAccessKeyId (request failed)");
        assert!(!m.contains("AKIA"));
        let e = object_store::Error::NotFound {
            path: "in/x.wav".into(),
            source: "Client error with status 404 Not Found: <Code>NoSuchKey</Code> token=abc"
                .into(),
        };
        assert_eq!(message(&e), "HTTP 404, code NoSuchKey (not found)");
        let e = object_store::Error::Generic {
            store: "S3",
            source: "error sending request: client error (Connect): tcp connect error".into(),
        };
        assert_eq!(
            message(&e),
            "cannot connect to the endpoint (request failed)"
        );
    }
}
