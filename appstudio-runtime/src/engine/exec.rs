//! The interpreter: runs one command of the IR on an input value.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::error::{Error, ErrorKind, Result};
use super::expand::{SavedData, Vars};
use super::session::Session;
use super::{extract, http, paginate, sha};
use crate::ir::{self, Command, Op};

/// What a `!respond` decided about a webhook request.
#[derive(Debug, Clone, PartialEq)]
pub struct Respond {
    /// The request is a real payload, to be processed.
    pub process_payload: bool,
    /// Status code of the answer.
    pub code: u16,
    /// Headers of the answer.
    pub headers: Value,
    /// Body of the answer.
    pub body: Value,
}

/// The state a command runs in: the values expansions read, and what commands write.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// The workflow being run.
    pub workflow: Option<&'static ir::Workflow>,
    /// The selections.
    pub custom_data: Map<String, Value>,
    /// Personalization tags of the contact being processed.
    pub personal: Option<HashMap<String, String>>,
    /// The connection's subdomain.
    pub subdomain: Option<String>,
    /// `${webhook.url}`.
    pub webhook_url: Option<String>,
    /// `!save`d values.
    pub data: SavedData,
    /// The polling state.
    pub polling_state: Option<Value>,
    /// The selected resource id.
    pub resource_id: Option<Value>,
    /// `(search_term, what the user typed)` when loading options.
    pub search: Option<(String, String)>,
    /// The contact being processed (outbound `!resource ActiveCampaignContact`).
    pub contact: Option<Value>,
    /// The last `!respond`.
    pub response: Option<Respond>,
    /// `!print_c` lines, in order.
    pub log: Vec<String>,
}

impl Ctx {
    /// The variables seen by a command inside a pipe whose values so far are `piped`.
    pub fn vars<'a>(&'a self, piped: &'a [Value]) -> Vars<'a> {
        Vars {
            custom_data: Some(&self.custom_data),
            fields: self
                .workflow
                .and_then(|w| w.setup.select.as_ref())
                .map_or(&[], |s| &s.form_fields[..]),
            personal: self.personal.as_ref(),
            subdomain: self.subdomain.as_deref(),
            webhook_url: self.webhook_url.as_deref(),
            data: Some(&self.data),
            piped,
            polling_state: self.polling_state.as_ref(),
            resource_id: self.resource_id.as_ref(),
        }
    }
}

type Fut<'a> = Pin<Box<dyn Future<Output = Result<Value>> + Send + 'a>>;

/// Runs `cmd` on `input`. `piped` holds the innermost pipe's values (D18).
pub fn run<'a>(
    session: &'a Session<'a>,
    cmd: &'a Command,
    input: Value,
    ctx: &'a mut Ctx,
    piped: &'a [Value],
) -> Fut<'a> {
    Box::pin(async move {
        // An inner block, so that `?` inside a command still gets the command's place.
        let out: Result<Value> = async {
            match &cmd.op {
                Op::Jq(jq) => run_jq(jq, &input, ctx, piped),
                Op::Http(h) => {
                    if h.pagination {
                        paginate::run(session, h, ctx, piped).await
                    } else {
                        let request =
                            http::prepare(h, &ctx.vars(piped), &session.bases(ctx), search(ctx))?;
                        let response = session.send(h.target, request).await?;
                        Ok(http::shape(h.wrap_body, response.body))
                    }
                }
                Op::Pipe(steps) => {
                    let mut values = vec![input];
                    for step in steps.iter() {
                        let last = values.last().cloned().unwrap_or(Value::Null);
                        let out = run(session, step, last, ctx, &values).await?;
                        values.push(out);
                    }
                    Ok(values.pop().unwrap_or(Value::Null))
                }
                Op::Switch { jq, cases } => {
                    let index = run_jq(jq, &input, ctx, piped)?;
                    let i = index
                        .as_u64()
                        .or_else(|| {
                            index
                                .as_f64()
                                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                                .map(|f| f as u64)
                        })
                        .ok_or_else(|| {
                            Error::invalid(format!("`!switch` chose {index}, not a case index"))
                        })?;
                    let case = cases.get(i as usize).ok_or_else(|| {
                        Error::invalid(format!(
                            "`!switch` chose case {i} but has {} case(s)",
                            cases.len()
                        ))
                    })?;
                    run(session, case, input, ctx, piped).await
                }
                Op::Resource(r) => session.resource(r, input, ctx, piped).await,
                Op::Save(scope) => {
                    let Value::Object(members) = &input else {
                        return Err(Error::invalid("`!save` needs an object as input"));
                    };
                    let slot = ctx.data.scope_mut(*scope);
                    for (k, v) in members {
                        slot.insert(k.clone(), v.clone());
                    }
                    Ok(input)
                }
                Op::Error(message) => Err(Error::new(ErrorKind::Halted, message.to_string())),
                Op::PrintC(t) => {
                    let line = ctx.vars(piped).text(t)?;
                    tracing::info!(target: "appstudio::print_c", line = %line, "!print_c");
                    ctx.log.push(line);
                    Ok(input)
                }
                Op::Extract { item_keys, to_json } => extract::run(item_keys, *to_json, input),
                Op::Sha { algorithm, secret } => {
                    let secret = match secret {
                        Some(t) => Some(ctx.vars(piped).text(t)?),
                        None => None,
                    };
                    sha::run(*algorithm, secret.as_deref(), &input)
                }
                Op::Respond {
                    process_payload,
                    code,
                    headers,
                    body,
                } => {
                    let vars = ctx.vars(piped);
                    let respond = Respond {
                        process_payload: *process_payload,
                        code: *code,
                        headers: vars.template(headers)?,
                        body: vars.template(body)?,
                    };
                    ctx.response = Some(respond);
                    Ok(input)
                }
            }
        }
        .await;
        out.map_err(|e| e.at(cmd.loc))
    })
}

fn search(ctx: &Ctx) -> Option<(&str, &str)> {
    ctx.search.as_ref().map(|(p, t)| (p.as_str(), t.as_str()))
}

/// Runs a jq program: one output is the value, none is `null`, several are an error.
pub fn run_jq(jq: &ir::Jq, input: &Value, ctx: &Ctx, piped: &[Value]) -> Result<Value> {
    let vars = ctx.vars(piped).jq_vars(&jq.vars)?;
    let program = super::jqcache::get(jq)?;
    let mut outputs = program.run(input, &vars)?;
    match outputs.len() {
        0 => Ok(Value::Null),
        1 => Ok(outputs.pop().unwrap_or(Value::Null)),
        n => Err(Error::new(
            ErrorKind::Jq,
            format!(
                "the jq program produced {n} outputs where one value is needed; collect them with `[…]`"
            ),
        )),
    }
}
