//! The AWS SDK for Rust's SES client (aws-sdk-ses), as its guide configures a client for
//! another endpoint: `Config::builder()` with the region, static credentials (with the session
//! token of temporary credentials), `endpoint_url`, no retries, and this driver's guarded HTTP
//! client (guard.rs). Each scenario's params become the operation's input through its fluent
//! builder; the SDK flattens, encodes and signs (SigV4). It has no presigner for SES.
//!
//! Reads one job (JSON) on stdin and prints `SESSPEC-RESULT {json}` (sesspec/drivers/base.py);
//! with `--probe URL...`, fetches each URL through the guard instead (the guard's test).

mod guard;

use std::io::Read;

use aws_sdk_ses as ses;
use ses::config::{BehaviorVersion, Credentials, Region};
use ses::primitives::Blob;
use ses::types::{Body, BulkEmailDestination, Content, Destination, Message, MessageTag, RawMessage};
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

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
    Destination::builder()
        .set_to_addresses(list(v, "ToAddresses"))
        .set_cc_addresses(list(v, "CcAddresses"))
        .set_bcc_addresses(list(v, "BccAddresses"))
        .build()
}

fn content(v: Option<&Value>) -> Result<Option<Content>, Error> {
    match v {
        None => Ok(None),
        Some(c) => Ok(Some(
            Content::builder().set_data(text(c, "Data")).set_charset(text(c, "Charset")).build()?,
        )),
    }
}

fn tags(v: Option<&Value>) -> Result<Option<Vec<MessageTag>>, Error> {
    let Some(items) = v.and_then(Value::as_array) else { return Ok(None) };
    let mut out = Vec::new();
    for t in items {
        out.push(MessageTag::builder().set_name(text(t, "Name")).set_value(text(t, "Value")).build()?);
    }
    Ok(Some(out))
}

fn ok(output: String) -> Value {
    let cut: String = output.chars().take(500).collect();
    json!({"status": "ok", "detail": "", "response": {"output": cut}})
}

fn failed<E: std::error::Error>(e: E) -> Value {
    json!({"status": "client-error", "detail": format!("{}", ses::error::DisplayErrorContext(&e))})
}

async fn run(job: &Value, port: u16) -> Result<Value, Error> {
    let scenario = &job["scenario"];
    if scenario["kind"] == "presign-get" {
        return Ok(json!({"status": "not-supported", "detail": "aws-sdk-ses has no presigner for SES"}));
    }
    let endpoint = &job["endpoint"];
    let c = &job["credentials"];
    let http = guard::Guarded::new(endpoint["ca_path"].as_str(), port)?;
    let credentials = Credentials::new(
        c["access_key_id"].as_str().unwrap_or_default(),
        c["secret_access_key"].as_str().unwrap_or_default(),
        c["session_token"].as_str().map(str::to_string),
        None,
        "sesspec",
    );
    let config = ses::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(c["region"].as_str().unwrap_or("us-east-1").to_string()))
        .credentials_provider(credentials)
        .endpoint_url(endpoint["url"].as_str().unwrap_or_default())
        .retry_config(ses::config::retry::RetryConfig::disabled())
        .http_client(http)
        .build();
    let client = ses::Client::from_conf(config);
    let p = &scenario["params"];
    let result = match scenario["action"].as_str().unwrap_or_default() {
        "SendEmail" => {
            let m = &p["Message"];
            let body = Body::builder()
                .set_text(content(m["Body"].get("Text"))?)
                .set_html(content(m["Body"].get("Html"))?)
                .build();
            let message = Message::builder().set_subject(content(m.get("Subject"))?).body(body).build();
            client
                .send_email()
                .set_source(text(p, "Source"))
                .destination(destination(&p["Destination"]))
                .set_reply_to_addresses(list(p, "ReplyToAddresses"))
                .set_tags(tags(p.get("Tags"))?)
                .set_configuration_set_name(text(p, "ConfigurationSetName"))
                .message(message)
                .send()
                .await
                .map(|o| format!("{o:?}"))
                .map_err(failed)
        }
        "SendRawEmail" => {
            let data = text(p, "RawMessage.Data").unwrap_or_default();
            client
                .send_raw_email()
                .set_source(text(p, "Source"))
                .set_destinations(list(p, "Destinations"))
                .set_tags(tags(p.get("Tags"))?)
                .set_configuration_set_name(text(p, "ConfigurationSetName"))
                .raw_message(RawMessage::builder().data(Blob::new(data.into_bytes())).build()?)
                .send()
                .await
                .map(|o| format!("{o:?}"))
                .map_err(failed)
        }
        "SendTemplatedEmail" => client
            .send_templated_email()
            .set_source(text(p, "Source"))
            .destination(destination(&p["Destination"]))
            .set_template(text(p, "Template"))
            .set_template_data(text(p, "TemplateData"))
            .set_tags(tags(p.get("Tags"))?)
            .set_configuration_set_name(text(p, "ConfigurationSetName"))
            .send()
            .await
            .map(|o| format!("{o:?}"))
            .map_err(failed),
        "SendBulkTemplatedEmail" => {
            let mut destinations = Vec::new();
            for d in p["Destinations"].as_array().cloned().unwrap_or_default() {
                destinations.push(
                    BulkEmailDestination::builder()
                        .destination(destination(&d["Destination"]))
                        .set_replacement_template_data(text(&d, "ReplacementTemplateData"))
                        .set_replacement_tags(tags(d.get("ReplacementTags"))?)
                        .build(),
                );
            }
            client
                .send_bulk_templated_email()
                .set_source(text(p, "Source"))
                .set_template(text(p, "Template"))
                .set_default_template_data(text(p, "DefaultTemplateData"))
                .set_default_tags(tags(p.get("DefaultTags"))?)
                .set_destinations(Some(destinations))
                .set_configuration_set_name(text(p, "ConfigurationSetName"))
                .send()
                .await
                .map(|o| format!("{o:?}"))
                .map_err(failed)
        }
        "ListIdentities" => client
            .list_identities()
            .set_identity_type(text(p, "IdentityType").map(|t| t.as_str().into()))
            .set_max_items(p.get("MaxItems").and_then(Value::as_i64).map(|n| n as i32))
            .set_next_token(text(p, "NextToken"))
            .send()
            .await
            .map(|o| format!("{o:?}"))
            .map_err(failed),
        other => {
            return Ok(json!({"status": "not-supported", "detail": format!("this driver does not call {other}")}))
        }
    };
    Ok(match result {
        Ok(output) => ok(output),
        Err(value) => value,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let port: u16 = std::env::var("SESSPEC_LOOPBACK_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(0);
    let args: Vec<String> = std::env::args().collect();
    if args.len() > 1 && args[1] == "--probe" {
        let client = guard::Guarded::new(None, port).expect("a TLS configuration");
        for url in &args[2..] {
            println!("{}", guard::probe(&client, url).await);
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
