//! rusoto_ses 0.48.0, the last release of the archived Rusoto project, as its documentation
//! configures a client for another endpoint: `SesClient::new_with(HttpClient, StaticProvider,
//! Region::Custom { name, endpoint })`, the HTTP client made from this driver's guarded
//! connector with rustls (guard.rs). Each scenario's params become the operation's request
//! struct; rusoto flattens, encodes and signs (SigV4). It has no presigner for SES, and no
//! retries.
//!
//! Reads one job (JSON) on stdin and prints `SESSPEC-RESULT {json}` (sesspec/drivers/base.py);
//! with `--probe URL...`, fetches each URL through the guard instead (the guard's test).

mod guard;

use std::io::Read;

use rusoto_core::credential::StaticProvider;
use rusoto_core::{HttpClient, Region};
use rusoto_ses::{
    Body, BulkEmailDestination, Content, Destination, ListIdentitiesRequest, Message, MessageTag,
    RawMessage, SendBulkTemplatedEmailRequest, SendEmailRequest, SendRawEmailRequest,
    SendTemplatedEmailRequest, Ses, SesClient,
};
use serde_json::{json, Value};

fn text(v: &Value, path: &str) -> Option<String> {
    let mut at = v;
    for part in path.split('.') {
        at = at.get(part)?;
    }
    at.as_str().map(str::to_string)
}

fn list(v: &Value, path: &str) -> Option<Vec<String>> {
    let mut at = v;
    for part in path.split('.') {
        at = at.get(part)?;
    }
    Some(at.as_array()?.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
}

fn destination(v: &Value) -> Destination {
    Destination {
        to_addresses: list(v, "ToAddresses"),
        cc_addresses: list(v, "CcAddresses"),
        bcc_addresses: list(v, "BccAddresses"),
    }
}

fn content(v: Option<&Value>) -> Option<Content> {
    v.map(|c| Content { data: text(c, "Data").unwrap_or_default(), charset: text(c, "Charset") })
}

fn tags(v: Option<&Value>) -> Option<Vec<MessageTag>> {
    let items = v?.as_array()?;
    Some(
        items
            .iter()
            .map(|t| MessageTag {
                name: text(t, "Name").unwrap_or_default(),
                value: text(t, "Value").unwrap_or_default(),
            })
            .collect(),
    )
}

fn connector(ca_path: Option<&str>, port: u16) -> Result<hyper_rustls::HttpsConnector<guard::Guard>, guard::Error> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(guard::tls(ca_path)?)
        .https_or_http()
        .enable_http1()
        .wrap_connector(guard::Guard { loopback_port: port }))
}

/// One URL fetched through the guarded connector: its status, or the innermost error.
async fn probe(url: &str, port: u16) -> String {
    let connector = match connector(None, port) {
        Ok(c) => c,
        Err(e) => return e.to_string(),
    };
    let client: hyper::Client<_, hyper::Body> = hyper::Client::builder().build(connector);
    let uri: hyper::Uri = match url.parse() {
        Ok(u) => u,
        Err(e) => return format!("{e}"),
    };
    match client.get(uri).await {
        Ok(response) => response.status().as_u16().to_string(),
        Err(e) => {
            let mut inner: &dyn std::error::Error = &e;
            while let Some(source) = inner.source() {
                inner = source;
            }
            inner.to_string()
        }
    }
}

fn outcome<T: std::fmt::Debug, E: std::fmt::Display>(result: Result<T, E>) -> Value {
    match result {
        Ok(output) => {
            let cut: String = format!("{output:?}").chars().take(500).collect();
            json!({"status": "ok", "detail": "", "response": {"output": cut}})
        }
        Err(e) => json!({"status": "client-error", "detail": e.to_string()}),
    }
}

async fn run(job: &Value, port: u16) -> Result<Value, guard::Error> {
    let scenario = &job["scenario"];
    if scenario["kind"] == "presign-get" {
        return Ok(json!({"status": "not-supported", "detail": "rusoto_ses has no presigner for SES"}));
    }
    let endpoint = &job["endpoint"];
    let c = &job["credentials"];
    let connector = connector(endpoint["ca_path"].as_str(), port)?;
    let credentials = StaticProvider::new(
        c["access_key_id"].as_str().unwrap_or_default().to_string(),
        c["secret_access_key"].as_str().unwrap_or_default().to_string(),
        c["session_token"].as_str().map(str::to_string),
        None,
    );
    let region = Region::Custom {
        name: c["region"].as_str().unwrap_or("us-east-1").to_string(),
        endpoint: endpoint["url"].as_str().unwrap_or_default().trim_end_matches('/').to_string(),
    };
    let client = SesClient::new_with(HttpClient::from_connector(connector), credentials, region);
    let p = &scenario["params"];
    Ok(match scenario["action"].as_str().unwrap_or_default() {
        "SendEmail" => {
            let m = &p["Message"];
            let message = Message {
                subject: content(m.get("Subject")).unwrap_or_default(),
                body: Body { text: content(m["Body"].get("Text")), html: content(m["Body"].get("Html")) },
            };
            outcome(
                client
                    .send_email(SendEmailRequest {
                        source: text(p, "Source").unwrap_or_default(),
                        destination: destination(&p["Destination"]),
                        message,
                        reply_to_addresses: list(p, "ReplyToAddresses"),
                        tags: tags(p.get("Tags")),
                        configuration_set_name: text(p, "ConfigurationSetName"),
                        ..Default::default()
                    })
                    .await,
            )
        }
        "SendRawEmail" => outcome(
            client
                .send_raw_email(SendRawEmailRequest {
                    source: text(p, "Source"),
                    destinations: list(p, "Destinations"),
                    raw_message: RawMessage {
                        data: bytes::Bytes::from(text(p, "RawMessage.Data").unwrap_or_default()),
                    },
                    tags: tags(p.get("Tags")),
                    configuration_set_name: text(p, "ConfigurationSetName"),
                    ..Default::default()
                })
                .await,
        ),
        "SendTemplatedEmail" => outcome(
            client
                .send_templated_email(SendTemplatedEmailRequest {
                    source: text(p, "Source").unwrap_or_default(),
                    destination: destination(&p["Destination"]),
                    template: text(p, "Template").unwrap_or_default(),
                    template_data: text(p, "TemplateData").unwrap_or_default(),
                    tags: tags(p.get("Tags")),
                    configuration_set_name: text(p, "ConfigurationSetName"),
                    ..Default::default()
                })
                .await,
        ),
        "SendBulkTemplatedEmail" => {
            let destinations = p["Destinations"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|d| BulkEmailDestination {
                    destination: destination(&d["Destination"]),
                    replacement_template_data: text(d, "ReplacementTemplateData"),
                    replacement_tags: tags(d.get("ReplacementTags")),
                })
                .collect();
            outcome(
                client
                    .send_bulk_templated_email(SendBulkTemplatedEmailRequest {
                        source: text(p, "Source").unwrap_or_default(),
                        template: text(p, "Template").unwrap_or_default(),
                        default_template_data: text(p, "DefaultTemplateData"),
                        default_tags: tags(p.get("DefaultTags")),
                        destinations,
                        configuration_set_name: text(p, "ConfigurationSetName"),
                        ..Default::default()
                    })
                    .await,
            )
        }
        "ListIdentities" => outcome(
            client
                .list_identities(ListIdentitiesRequest {
                    identity_type: text(p, "IdentityType"),
                    max_items: p.get("MaxItems").and_then(Value::as_i64),
                    next_token: text(p, "NextToken"),
                })
                .await,
        ),
        other => json!({"status": "not-supported", "detail": format!("this driver does not call {other}")}),
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let port: u16 = std::env::var("SESSPEC_LOOPBACK_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(0);
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 && args[1] == "--probe" {
        for url in &args[2..] {
            println!("{}", probe(url, port).await);
        }
        return;
    }
    let mut input = String::new();
    let result = match std::io::stdin().read_to_string(&mut input) {
        Err(e) => json!({"status": "client-error", "detail": format!("stdin: {e}")}),
        Ok(_) => match serde_json::from_str::<Value>(&input) {
            Err(e) => json!({"status": "client-error", "detail": format!("job: {e}")}),
            Ok(job) => run(&job, port).await.unwrap_or_else(|e| json!({"status": "client-error", "detail": e.to_string()})),
        },
    };
    println!("SESSPEC-RESULT {result}");
}
