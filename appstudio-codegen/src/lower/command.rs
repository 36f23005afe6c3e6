//! Commands, `!http` requests and jq programs.

use std::borrow::Cow;

use appstudio_runtime::{ir, jq};

use super::body::consumer_reads_body;
use super::{Lower, list, s, scope};
use crate::jqtext;
use crate::spec::{self, Op, ResourceSpec, StrTmpl, Template};

impl Lower<'_> {
    /// Lowers a command. `!http` steps of a pipe learn from their consumers whether to wrap the
    /// response in `{"body": …}` (D3).
    pub(super) fn command(&self, c: &spec::Command) -> ir::Command {
        let op = match &c.op {
            Op::Jq(t) => ir::Op::Jq(self.jq(t)),
            Op::Http(h) => ir::Op::Http(Cow::Owned(self.http(h, false))),
            Op::Pipe(steps) => {
                let mut out = Vec::with_capacity(steps.len());
                for (i, step) in steps.iter().enumerate() {
                    match &step.op {
                        Op::Http(h) => {
                            let wrap = consumer_reads_body(steps, i);
                            out.push(ir::Command {
                                op: ir::Op::Http(Cow::Owned(self.http(h, wrap))),
                                loc: self.loc(step.span),
                            });
                        }
                        _ => out.push(self.command(step)),
                    }
                }
                ir::Op::Pipe(list(out))
            }
            Op::Switch(sw) => ir::Op::Switch {
                jq: self.jq(&sw.jq),
                cases: list(sw.cases.iter().map(|c| self.command(c)).collect()),
            },
            Op::Resource(r) => ir::Op::Resource(self.resource(r)),
            Op::Save(sv) => ir::Op::Save(scope(sv.scope.value)),
            Op::Error(t) => ir::Op::Error(s(&t.text)),
            Op::PrintC(t) => ir::Op::PrintC(self.str_tmpl(t)),
            Op::Extract(x) => ir::Op::Extract {
                item_keys: list(x.item_keys.iter().map(|k| s(&k.value)).collect()),
                to_json: x.to_json.as_ref().is_some_and(|b| b.value),
            },
            Op::Sha(sh) => ir::Op::Sha {
                algorithm: ir::ShaAlgorithm::ALL
                    .iter()
                    .find(|(n, _)| *n == sh.algorithm.value.as_str())
                    .map_or(ir::ShaAlgorithm::Sha256, |(_, a)| *a),
                secret: sh.secret.as_ref().map(|t| self.str_tmpl(t)),
            },
            // Lowering runs only on an app without errors, so no command is broken here.
            Op::Broken => ir::Op::Error(s("broken command")),
            Op::Respond(r) => ir::Op::Respond {
                process_payload: r.process_payload.as_ref().is_some_and(|b| b.value),
                code: r
                    .code
                    .as_ref()
                    .map_or(200, |c| c.value.clamp(100, 599) as u16),
                headers: r
                    .headers
                    .as_ref()
                    .map_or(ir::Template::Object(list(Vec::new())), |h| {
                        self.template_map(&h.members)
                    }),
                body: r
                    .body
                    .as_ref()
                    .map_or(ir::Template::Object(list(Vec::new())), |b| self.template(b)),
            },
        };
        ir::Command {
            op,
            loc: self.loc(c.span),
        }
    }

    fn resource(&self, r: &ResourceSpec) -> ir::Resource {
        match r {
            ResourceSpec::Name(n) => match n.value {
                spec::ResourceName::Contact => ir::Resource::Contact,
                spec::ResourceName::ContactFields => ir::Resource::ContactFields,
                spec::ResourceName::AccountFields => ir::Resource::AccountFields,
                spec::ResourceName::DealFields => ir::Resource::DealFields,
                spec::ResourceName::Fields => ir::Resource::Fields,
                spec::ResourceName::Sync => ir::Resource::Sync,
            },
            ResourceSpec::Call(call) => match call.action.value {
                spec::ResourceAction::AccountSync => {
                    ir::Resource::AccountSync(self.template(&call.data))
                }
                spec::ResourceAction::DealSync => ir::Resource::DealSync(self.template(&call.data)),
            },
        }
    }

    pub(super) fn http(&self, h: &spec::Http, wrap_body: bool) -> ir::Http {
        let headers: Vec<(ir::Str, ir::StrTemplate)> = h
            .headers
            .iter()
            .flat_map(|m| &m.members)
            .map(|(k, v)| {
                let value = match v {
                    Template::String(t) => self.str_tmpl(t),
                    Template::Number(n, _) => ir::StrTemplate::Lit(s(n)),
                    Template::Bool(b, _) => ir::StrTemplate::Lit(s(&b.to_string())),
                    _ => ir::StrTemplate::Lit(s("")),
                };
                (s(&k.value), value)
            })
            .collect();
        let form = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("content-type")
                && matches!(v, ir::StrTemplate::Lit(t) if t.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
        });
        ir::Http {
            method: match h.method.as_ref().map(|m| m.value) {
                None | Some(spec::Method::Get) => ir::Method::Get,
                Some(spec::Method::Post) => ir::Method::Post,
                Some(spec::Method::Put) => ir::Method::Put,
                Some(spec::Method::Patch) => ir::Method::Patch,
                Some(spec::Method::Delete) => ir::Method::Delete,
                Some(spec::Method::Options) => ir::Method::Options,
            },
            target: match h.target.as_ref().map(|t| t.value) {
                None | Some(spec::Target::Connection) => ir::Target::Connection,
                Some(spec::Target::External) => ir::Target::External,
                Some(spec::Target::ActiveCampaign) => ir::Target::ActiveCampaign,
            },
            url: h.url.as_ref().map(|u| self.str_tmpl(u)),
            path: h.path.as_ref().map(|p| self.str_tmpl(p)),
            params: list(
                h.params
                    .iter()
                    .flat_map(|m| &m.members)
                    .map(|(k, v)| (s(&k.value), self.template(v)))
                    .collect(),
            ),
            headers: list(headers),
            body: h.body.as_ref().map(|b| self.template(b)),
            form,
            pagination: h.pagination.as_ref().is_some_and(|p| p.value),
            wrap_body,
        }
    }

    pub(super) fn jq(&self, t: &StrTmpl) -> ir::Jq {
        let r = jqtext::rewrite(t);
        let names: Vec<String> = (0..r.vars.len()).map(jq::expansion_var).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        ir::Jq {
            native: jq::is_native(&r.program, &names),
            program: r.program.into(),
            vars: list(r.vars.iter().map(|e| self.expansion(e)).collect()),
        }
    }
}
