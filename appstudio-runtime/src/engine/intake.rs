//! Webhook intakes: registering `${webhook.url}` with the provider (`create`, `update`,
//! `delete`), and receiving a request: `verification` (with `!respond`), routing by
//! `resource_id`/`account_id`, then `data_pipeline`.

use serde_json::{Map, Value};

use super::ctx::Respond;
use super::error::{Error, Result};
use super::exec;
use super::workflow::{DynWorkflow, Processed};
use crate::ir::{self, Command, IntakeKind};
use crate::lock::unpoisoned;

/// A request that reached a webhook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// The body: JSON as it is, a form body as a flat object of strings.
    pub body: Value,
    /// The query parameters (`.query_params` in intake commands).
    pub query: Map<String, Value>,
    /// The headers, names in lower case (`.headers` in intake commands).
    pub headers: Map<String, Value>,
}

impl Incoming {
    /// A request with a JSON body and nothing else.
    pub fn json(body: Value) -> Incoming {
        Incoming {
            body,
            ..Incoming::default()
        }
    }

    /// A request as received over HTTP: the body is parsed as JSON, or as a form when the
    /// content type says so (or when it is not JSON); `query` is the raw query string.
    pub fn from_http<'a>(
        content_type: Option<&str>,
        body: &[u8],
        query: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Incoming> {
        let form = content_type.is_some_and(|c| {
            c.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else if form {
            pairs(body)
        } else {
            match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(e) if content_type.is_some_and(|c| c.contains("json")) => {
                    return Err(Error::invalid(format!("the webhook body is not JSON: {e}")));
                }
                Err(_) => pairs(body),
            }
        };
        let query = match pairs(query.as_bytes()) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let headers = headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.to_owned())))
            .collect();
        Ok(Incoming {
            body,
            query,
            headers,
        })
    }

    /// What intake commands read: the body's members with `query_params` and `headers`
    /// (the body's own members of these names win).
    pub fn payload(&self) -> Value {
        match &self.body {
            Value::Object(m) => {
                let mut m = m.clone();
                m.entry("query_params")
                    .or_insert_with(|| Value::Object(self.query.clone()));
                m.entry("headers")
                    .or_insert_with(|| Value::Object(self.headers.clone()));
                Value::Object(m)
            }
            other => other.clone(),
        }
    }
}

/// `a=1&b=2` as `{"a": "1", "b": "2"}` (a repeated key keeps its last value).
fn pairs(bytes: &[u8]) -> Value {
    Value::Object(
        form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect(),
    )
}

/// What became of a request to a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// `verification` answered it (a challenge); the payload was not processed.
    Responded(Respond),
    /// It belongs to another workflow instance or account (`resource_id`/`account_id` did
    /// not match), or `verification` gave no answer that lets it through.
    Ignored {
        /// Why.
        reason: String,
    },
    /// It went through `data_pipeline`.
    Processed {
        /// The pipeline's run.
        processed: Box<Processed>,
        /// The answer `verification` chose, if any (else 200).
        respond: Option<Respond>,
    },
}

impl DynWorkflow {
    /// The webhook intake of this (inbound) workflow.
    fn webhook(&self) -> Result<&'static ir::Webhook> {
        let app = self.conn.engine.inner.app;
        match self
            .wf
            .data_intake
            .and_then(|i| app.intakes.get(i))
            .map(|i| &i.kind)
        {
            Some(IntakeKind::Webhook(w)) => Ok(w),
            _ => Err(Error::config(format!(
                "workflow `{}` does not receive through a webhook intake",
                self.wf.name
            ))),
        }
    }

    /// Runs one lifecycle command, keeping what it saves.
    async fn lifecycle(
        &mut self,
        cmd: &'static Command,
        step: &str,
        input: Value,
    ) -> Result<Value> {
        let session = self.conn.session();
        let mut ctx = self.ctx();
        let out = exec::run(&session, cmd, input, &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, step))?;
        self.polling_state = ctx.polling_state.take();
        self.keep(ctx.data);
        Ok(out)
    }

    /// Registers the webhook: runs the intake's `create` with `${webhook.url}` = `url`
    /// (usually an `!http` call and a `!save` of the provider's webhook id).
    pub async fn create_webhook(&mut self, url: &str) -> Result<Value> {
        let hook = self.webhook()?;
        self.webhook_url = Some(url.to_owned());
        self.lifecycle(&hook.create, "data_intake.create", Value::Null)
            .await
    }

    /// Runs the intake's `update` (after the selection changed); `None` without one.
    pub async fn update_webhook(&mut self) -> Result<Option<Value>> {
        let hook = self.webhook()?;
        match &hook.update {
            Some(cmd) => Ok(Some(
                self.lifecycle(cmd, "data_intake.update", Value::Null)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// Runs the intake's `delete` (the workflow is turned off); `None` without one.
    pub async fn delete_webhook(&mut self) -> Result<Option<Value>> {
        let hook = self.webhook()?;
        match &hook.delete {
            Some(cmd) => Ok(Some(
                self.lifecycle(cmd, "data_intake.delete", Value::Null)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// The webhook URL registered last (`${webhook.url}`).
    pub fn webhook_url(&self) -> Option<&str> {
        self.webhook_url.as_deref()
    }

    /// Whether a payload is for this workflow instance: `account_id` must give the
    /// connection's `describe_connection` account id, and `resource_id` the selected
    /// resource's id (each when the intake has it). `None` if it is, else why not.
    pub async fn routes_elsewhere(&self, payload: &Value) -> Result<Option<String>> {
        let hook = self.webhook()?;
        let session = self.conn.session();
        let mut ctx = self.ctx();
        if let Some(cmd) = &hook.account_id {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.account_id"))?;
            let ours = unpoisoned(self.conn.state.account_id.lock()).clone();
            match ours {
                None => {
                    return Err(self.locate(
                        Error::config(
                            "an application-scope webhook is routed by account id: run \
                             `describe_connection` first",
                        ),
                        "data_intake.account_id",
                    ));
                }
                Some(ours) if !same_id(&ours, &got) => {
                    return Ok(Some(format!(
                        "account id {got} is not this connection's ({ours})"
                    )));
                }
                Some(_) => {}
            }
        }
        if let (Some(cmd), Some(ours)) = (&hook.resource_id, &self.resource_id) {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.resource_id"))?;
            if !same_id(ours, &got) {
                return Ok(Some(format!(
                    "resource id {got} is not the selected one ({ours})"
                )));
            }
        }
        Ok(None)
    }

    /// Receives one request: `verification` first (a challenge is answered, not processed),
    /// then routing, then `data_pipeline` on the payload.
    pub async fn receive(&mut self, incoming: Incoming) -> Result<Delivery> {
        let hook = self.webhook()?;
        let payload = incoming.payload();
        let mut respond = None;
        if let Some(cmd) = &hook.verification {
            let session = self.conn.session();
            let mut ctx = self.ctx();
            exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.verification"))?;
            match ctx.response.take() {
                Some(r) if r.process_payload => respond = Some(r),
                Some(r) => return Ok(Delivery::Responded(r)),
                None => {
                    return Ok(Delivery::Ignored {
                        reason: "`verification` gave no `!respond` with `process_payload: true`"
                            .into(),
                    });
                }
            }
        }
        if let Some(reason) = self.routes_elsewhere(&payload).await? {
            return Ok(Delivery::Ignored { reason });
        }
        let processed = self.process(incoming.body).await?;
        Ok(Delivery::Processed {
            processed: Box::new(processed),
            respond,
        })
    }
}

/// Ids compare as text (`"12"` and `12` are the same account).
fn same_id(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text(a) == text(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_parse() {
        let i = Incoming::from_http(
            Some("application/x-www-form-urlencoded"),
            b"type=update&contact%5Bemail%5D=a%40b.c",
            "challenge=x%20y",
            [("X-Sig", "abc")],
        )
        .unwrap();
        assert_eq!(i.body, json!({"type": "update", "contact[email]": "a@b.c"}));
        assert_eq!(
            i.payload(),
            json!({"type": "update", "contact[email]": "a@b.c",
                   "query_params": {"challenge": "x y"}, "headers": {"x-sig": "abc"}})
        );
        let i = Incoming::from_http(None, br#"{"a": 1}"#, "", []).unwrap();
        assert_eq!(i.body, json!({"a": 1}));
        assert!(Incoming::from_http(Some("application/json"), b"{", "", []).is_err());
        assert!(same_id(&json!("12"), &json!(12)) && !same_id(&json!(1), &json!(2)));
    }
}
