//! The interpreter: runs one command of the IR on an input value.

use std::future::Future;
use std::pin::Pin;

use crate::json::Value;

mod paginate;

pub use paginate::MAX_PAGES;

use super::ctx::{Ctx, Respond};
use super::error::{Error, ErrorKind, Result};
use super::session::Session;
use super::{extract, http, resource, sha};
use crate::ir::{self, Command, Op};

type Fut<'a> = Pin<Box<dyn Future<Output = Result<Value>> + Send + 'a>>;

/// Runs `cmd` on `input`. `piped` holds the innermost pipe's values (D18).
pub(super) fn run<'a>(
    session: &'a Session<'a>,
    cmd: &'a Command,
    input: Value,
    ctx: &'a mut Ctx,
    piped: &'a [Value],
) -> Fut<'a> {
    let at = move |e: Error| e.at(cmd.loc);
    let waits = match run_now(session, cmd, input, ctx, piped) {
        // a command that waits for nothing is done here: a small future, not the large one
        // below that holds a request in flight
        Now::Done(out) => return Box::pin(std::future::ready(out.map_err(at))),
        Now::Waits(waits) => waits,
    };
    Box::pin(async move {
        // an inner block, so that `?` inside a command still gets the command's place
        let out: Result<Value> = async {
            if ctx.offline
                && matches!(
                    waits,
                    Waits::Pages(_) | Waits::Http(_) | Waits::Resource(..)
                )
            {
                return Err(Error::config(
                    "this command makes a request, and this run may make none (a webhook's \
                     verification answered on the request path, D28)",
                ));
            }
            match waits {
                Waits::Pages(h) => paginate::run(session, h, ctx, piped).await,
                Waits::Http(h) => {
                    let request = prepare(session, h, ctx, piped)?;
                    let response = session.send(h.target, request).await?;
                    Ok(http::shape(h.wrap_body, response.body))
                }
                Waits::Pipe(steps, input) => {
                    let mut values = vec![input];
                    for step in steps {
                        let last = values.last().cloned().unwrap_or(Value::Null);
                        let out = run(session, step, last, ctx, &values).await?;
                        values.push(out);
                    }
                    Ok(values.pop().unwrap_or(Value::Null))
                }
                Waits::Jq(jq, input) => run_jq(session, jq, input, ctx, piped).await,
                Waits::Switch(jq, cases, input) => {
                    let case = switch_case(session, jq, cases, &input, ctx, piped).await?;
                    run(session, case, input, ctx, piped).await
                }
                Waits::Resource(r, input) => resource::run(session, r, input, ctx, piped).await,
            }
        }
        .await;
        out.map_err(at)
    })
}

/// A command run as far as it goes without waiting.
enum Now<'a> {
    /// It is done.
    Done(Result<Value>),
    /// It makes requests (or may, through the commands it holds).
    Waits(Waits<'a>),
}

/// What is left of a command that waits, with the input it still needs.
enum Waits<'a> {
    /// `!http` with `pagination`.
    Pages(&'a ir::Http),
    /// `!http`.
    Http(&'a ir::Http),
    /// `!pipe`.
    Pipe(&'a [Command], Value),
    /// `!jq` (which may run on the jq threads).
    Jq(&'a ir::Jq, Value),
    /// `!switch`: its program, its cases.
    Switch(&'a ir::Jq, &'a [Command], Value),
    /// `!resource`.
    Resource(&'a ir::Resource, Value),
}

/// Runs `cmd` if it makes no request; else returns what is left to wait for.
fn run_now<'a>(
    session: &Session<'_>,
    cmd: &'a Command,
    input: Value,
    ctx: &mut Ctx,
    piped: &[Value],
) -> Now<'a> {
    let done = |out: Result<Value>| Now::Done(out);
    match &cmd.op {
        Op::Http(h) if h.pagination => Now::Waits(Waits::Pages(h)),
        Op::Http(h) => Now::Waits(Waits::Http(h)),
        Op::Pipe(steps) => Now::Waits(Waits::Pipe(steps, input)),
        Op::Switch { jq, cases } => Now::Waits(Waits::Switch(jq, cases, input)),
        Op::Resource(r) => Now::Waits(Waits::Resource(r, input)),
        // a quick program (almost every one) is done here, without a future
        Op::Jq(jq) => match jq_here(session, jq, &input, ctx, piped) {
            Some(out) => done(out),
            None => Now::Waits(Waits::Jq(jq, input)),
        },
        Op::Save(scope) => {
            let Value::Object(members) = &input else {
                return done(Err(Error::invalid("`!save` needs an object as input")));
            };
            let slot = ctx.data.scope_mut(*scope);
            for (k, v) in members {
                slot.insert(k.clone(), v.clone());
            }
            done(Ok(input))
        }
        Op::Error(message) => done(Err(Error::new(ErrorKind::Halted, message.to_string()))),
        Op::PrintC(t) => done(ctx.vars(piped).text(t).map(|line| {
            tracing::info!(target: "appstudio::print_c", line = %line, "!print_c");
            ctx.log.push(line);
            input
        })),
        Op::Extract { item_keys, to_json } => done(extract::run(item_keys, *to_json, input)),
        Op::Sha { algorithm, secret } => {
            done(hash(*algorithm, secret.as_ref(), &input, ctx, piped))
        }
        Op::Respond {
            process_payload,
            code,
            headers,
            body,
        } => {
            let vars = ctx.vars(piped);
            let respond = vars.template(headers).and_then(|headers| {
                Ok(Respond {
                    process_payload: *process_payload,
                    code: *code,
                    headers,
                    body: vars.template(body)?,
                })
            });
            match respond {
                Ok(r) => {
                    ctx.response = Some(r);
                    done(Ok(input))
                }
                Err(e) => done(Err(e)),
            }
        }
    }
}

/// `!sha` of `input`, an HMAC when there is a `secret`.
fn hash(
    algorithm: ir::ShaAlgorithm,
    secret: Option<&ir::StrTemplate>,
    input: &Value,
    ctx: &Ctx,
    piped: &[Value],
) -> Result<Value> {
    let secret = match secret {
        Some(t) => Some(ctx.vars(piped).text(t)?),
        None => None,
    };
    sha::run(algorithm, secret.as_deref(), input)
}

/// The case a `!switch` chose: the index its jq program gives.
async fn switch_case<'a>(
    session: &Session<'_>,
    jq: &ir::Jq,
    cases: &'a [Command],
    input: &Value,
    ctx: &Ctx,
    piped: &[Value],
) -> Result<&'a Command> {
    let index = match jq_here(session, jq, input, ctx, piped) {
        Some(index) => index?,
        None => run_jq(session, jq, input.clone(), ctx, piped).await?,
    };
    let i = index
        .as_u64()
        .or_else(|| {
            index
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .ok_or_else(|| Error::invalid(format!("`!switch` chose {index}, not a case index")))?;
    cases.get(i as usize).ok_or_else(|| {
        Error::invalid(format!(
            "`!switch` chose case {i} but has {} case(s)",
            cases.len()
        ))
    })
}

/// The request of an `!http` command in `ctx` (with the search term of an options query).
pub(super) fn prepare(
    session: &Session<'_>,
    h: &ir::Http,
    ctx: &Ctx,
    piped: &[Value],
) -> Result<http::Request> {
    let search = ctx.search.as_ref().map(|(p, t)| (p.as_str(), t.as_str()));
    http::prepare(h, &ctx.vars(piped), &session.bases(), search)
}

/// Runs a jq program on the pool ([`super::jqcache::run`]), for one [`jq_here`] did not
/// finish: one output is the value, none is `null`, several are an error.
pub(super) async fn run_jq(
    session: &Session<'_>,
    jq: &ir::Jq,
    input: Value,
    ctx: &Ctx,
    piped: &[Value],
) -> Result<Value> {
    let vars = ctx.vars(piped).jq_vars(&jq.vars)?;
    let limits = session.inner.config.jq_limits;
    let outputs =
        super::jqcache::run(jq, input, vars, limits, session.inner.config.native_jq).await?;
    one_value(outputs)
}

/// [`run_jq`] on this thread, if the program is quick ([`super::jqcache::run_here`]).
fn jq_here(
    session: &Session<'_>,
    jq: &ir::Jq,
    input: &Value,
    ctx: &Ctx,
    piped: &[Value],
) -> Option<Result<Value>> {
    let vars = match ctx.vars(piped).jq_vars(&jq.vars) {
        Ok(vars) => vars,
        Err(e) => return Some(Err(e)),
    };
    let config = &session.inner.config;
    let out = super::jqcache::run_here(jq, input, &vars, &config.jq_limits, config.native_jq)?;
    Some(out.and_then(one_value))
}

/// A program's outputs as one value: none is `null`, several are an error.
fn one_value(mut outputs: Vec<Value>) -> Result<Value> {
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
