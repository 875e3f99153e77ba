//! A ListObjectsV2 listing with `encoding-type=url`, signed by object_store's own SigV4
//! authorizer, used only when object_store's listing fails on a key.
//!
//! Why by hand: object_store turns every listed key into its `Path`, which refuses
//! control characters and empty segments, and one such key fails its whole page of up
//! to 1000 keys, with no way to step over it. S3 can URL-encode the keys of a listing
//! (`encoding-type=url`), which carries any key safely; this module asks for that and
//! returns the keys as S3 spells them, so the caller can report the unusable ones and
//! process the rest. No crate does this listing without pulling in the whole AWS SDK.

use crate::{DatasetError, Result};
use chrono::{DateTime, Utc};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey, AwsAuthorizer};
use object_store::client::{ClientConfigKey, ClientOptions, HttpConnector, ReqwestConnector};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986 unreserved characters are kept, everything else is encoded (as SigV4 wants).
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One listed object.
pub(crate) struct RawObject {
    /// The key, decoded.
    pub key: String,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListBucketResult {
    #[serde(default)]
    contents: Vec<Contents>,
    #[serde(default)]
    is_truncated: bool,
    next_continuation_token: Option<String>,
    /// `url` when the server encoded the keys as asked (some S3-compatible servers
    /// ignore the parameter and send them raw).
    encoding_type: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Contents {
    key: String,
    size: u64,
    last_modified: DateTime<Utc>,
}

fn err(bucket: &str, message: String) -> DatasetError {
    DatasetError::Store {
        url: format!("s3://{bucket}"),
        message,
    }
}

/// Every object under `prefix/` of `bucket` (configured from the AWS_* environment like
/// the rest of callqa), keys decoded.
pub(crate) async fn list(bucket: &str, prefix: &str) -> Result<Vec<RawObject>> {
    let builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    let region = builder
        .get_config_value(&AmazonS3ConfigKey::Region)
        .unwrap_or_else(|| "us-east-1".into());
    let virtual_hosted = builder
        .get_config_value(&AmazonS3ConfigKey::VirtualHostedStyleRequest)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let allow_http = builder
        .get_config_value(&AmazonS3ConfigKey::Client(ClientConfigKey::AllowHttp))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let base = match builder.get_config_value(&AmazonS3ConfigKey::Endpoint) {
        Some(e) if virtual_hosted => e.trim_end_matches('/').to_string(),
        Some(e) => format!("{}/{bucket}", e.trim_end_matches('/')),
        None if virtual_hosted => format!("https://{bucket}.s3.{region}.amazonaws.com"),
        None => format!("https://s3.{region}.amazonaws.com/{bucket}"),
    };
    let s3 = builder
        .build()
        .map_err(|e| err(bucket, format!("cannot configure S3 access: {e}")))?;
    let cred = s3
        .credentials()
        .get_credential()
        .await
        .map_err(|e| err(bucket, crate::safe::message(&e)))?;
    let client = ReqwestConnector::default()
        .connect(&ClientOptions::new().with_allow_http(allow_http))
        .map_err(|e| err(bucket, crate::safe::message(&e)))?;
    // Like object_store: a prefix names a folder.
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", prefix.trim_end_matches('/'))
    };
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut url = format!(
            "{base}/?list-type=2&encoding-type=url&prefix={}",
            utf8_percent_encode(&prefix, STRICT)
        );
        if let Some(t) = &token {
            url.push_str(&format!(
                "&continuation-token={}",
                utf8_percent_encode(t, STRICT)
            ));
        }
        let mut req = http::Request::builder()
            .method("GET")
            .uri(&url)
            .body(Vec::<u8>::new().into())
            .map_err(|e| err(bucket, format!("bad listing request: {e}")))?;
        AwsAuthorizer::new(&cred, "s3", &region).authorize(&mut req, None);
        let resp = client
            .execute(req)
            .await
            .map_err(|e| err(bucket, format!("listing failed: {}", e.kind_name())))?;
        let status = resp.status();
        let body = resp
            .into_body()
            .bytes()
            .await
            .map_err(|e| err(bucket, format!("listing failed: {}", e.kind_name())))?;
        let text = String::from_utf8_lossy(&body);
        if !status.is_success() {
            let e = object_store::Error::Generic {
                store: "S3",
                source: format!("status {}: {text}", status.as_u16()).into(),
            };
            return Err(err(bucket, crate::safe::message(&e)));
        }
        let page: ListBucketResult = quick_xml::de::from_str(&text)
            .map_err(|e| err(bucket, format!("cannot read the listing: {e}")))?;
        let encoded = page.encoding_type.as_deref() == Some("url");
        for c in page.contents {
            let key = if encoded {
                percent_encoding::percent_decode_str(&c.key)
                    .decode_utf8_lossy()
                    .into_owned()
            } else {
                c.key
            };
            out.push(RawObject {
                key,
                size: c.size,
                last_modified: c.last_modified,
            });
        }
        match page.next_continuation_token {
            Some(t) if page.is_truncated => token = Some(t),
            _ => break,
        }
    }
    Ok(out)
}

/// A short name of an HTTP error kind (never its text, which may hold a URL).
trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for object_store::client::HttpError {
    fn kind_name(&self) -> String {
        format!("{:?}", self.kind())
    }
}
