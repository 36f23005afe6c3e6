//! Lowering: the validated spec model becomes the runtime's IR (owned), with a source map.

use std::borrow::Cow;

use appstudio_runtime::ir;

use crate::check::Index;
use crate::source::{Source, Span};
use crate::spec;

mod body;
mod command;
mod template;
mod workflow;

/// Lowers a valid app.
pub(crate) fn lower(app: &spec::App, index: &Index, source: &Source) -> ir::App {
    let l = Lower { source };
    ir::App {
        file: source.name.clone().into(),
        auth: index
            .auth
            .iter()
            .map(|(key, a)| l.auth(key, a))
            .collect::<Vec<_>>()
            .into(),
        api: l.api(app.api.get().expect("a valid app has `api`")),
        intakes: index
            .intakes
            .iter()
            .map(|i| l.intake(i))
            .collect::<Vec<_>>()
            .into(),
        workflows: index
            .workflows
            .iter()
            .map(|w| l.workflow(w))
            .collect::<Vec<_>>()
            .into(),
        objects: app
            .objects
            .iter()
            .flatten()
            .map(|o| l.object(o))
            .collect::<Vec<_>>()
            .into(),
    }
}

struct Lower<'a> {
    source: &'a Source,
}

fn s(text: &str) -> ir::Str {
    Cow::Owned(text.to_owned())
}

fn opt(t: &Option<spec::Text>) -> Option<ir::Str> {
    t.as_ref().map(|t| s(&t.value))
}

fn list<T: Clone>(v: Vec<T>) -> ir::List<T> {
    Cow::Owned(v)
}

impl Lower<'_> {
    fn loc(&self, span: Span) -> ir::Loc {
        let (line, col) = self.source.line_col(span.start);
        ir::Loc { line, col }
    }

    fn auth(&self, key: &str, a: &spec::Auth) -> ir::Auth {
        let method = match a {
            spec::Auth::OAuth2(o) => {
                let c = &o.configuration;
                ir::AuthMethod::OAuth2(ir::OAuth2 {
                    authorization_base_url: self.str_tmpl(&c.authorization_base_url),
                    client_id: s(&c.client_id.value),
                    client_secret: s(&c.client_secret.value),
                    scopes: list(c.scopes.iter().map(|x| s(&x.value)).collect()),
                    token_request_body: opt(&c.token_request_body),
                    token_url: self.str_tmpl(&c.token_url),
                    refresh_url: c.refresh_url.as_ref().map(|u| self.str_tmpl(u)),
                    include_client_id: c.include_client_id.as_ref().is_some_and(|b| b.value),
                })
            }
            spec::Auth::Basic(b) => ir::AuthMethod::Basic {
                verify_url: self.str_tmpl(&b.verify_url),
            },
            spec::Auth::Token(t) => ir::AuthMethod::Token {
                header_key: s(&t.header_key.value),
                token_prefix: opt(&t.token_prefix),
                verify_url: self.str_tmpl(&t.verify_url),
            },
            spec::Auth::Session(t) => ir::AuthMethod::Session {
                verify_url: self.str_tmpl(&t.verify_url),
                request_body: t.request_body.as_ref().map(|b| self.template(b)),
            },
        };
        let mut fields = Vec::new();
        if let Some(df) = a.defined_fields() {
            for (name, f) in [
                (ir::FieldName::Username, &df.username),
                (ir::FieldName::Password, &df.password),
                (ir::FieldName::Token, &df.token),
                (ir::FieldName::Subdomain, &df.subdomain),
            ] {
                if let Some(f) = f {
                    fields.push(ir::DefinedField {
                        name,
                        label: s(&f.label.value),
                        placeholder: s(&f.placeholder.value),
                        help_text: s(&f.help_text.value),
                    });
                }
            }
        }
        ir::Auth {
            key: s(key),
            method,
            defined_fields: list(fields),
            loc: self.loc(a.span()),
        }
    }

    fn api(&self, api: &spec::Api) -> ir::Api {
        ir::Api {
            base_url: self.str_tmpl(&api.base_url),
            pagination: api.pagination.as_ref().map(|p| self.pagination(p)),
            rate_limit: api.rate_limit.as_ref().and_then(|r| {
                let (level, q) = match (&r.user, &r.app) {
                    (Some(q), _) => (ir::RateLevel::User, q),
                    (None, Some(q)) => (ir::RateLevel::App, q),
                    (None, None) => return None,
                };
                let quota = |q: &spec::Quota| ir::Quota {
                    requests: q.requests.value.clamp(1, u32::MAX as i64) as u32,
                    period: q.period.value.clamp(1, u32::MAX as i64) as u32,
                };
                Some(match q {
                    spec::RateQuota::Split(rw) => ir::RateLimit {
                        level,
                        read: quota(&rw.read),
                        write: quota(&rw.write),
                        shared: false,
                    },
                    spec::RateQuota::Flat(f) => ir::RateLimit {
                        level,
                        read: quota(f),
                        write: quota(f),
                        shared: true,
                    },
                })
            }),
        }
    }

    fn pagination(&self, p: &spec::Pagination) -> ir::Pagination {
        let int = |p: &spec::IntParam| ir::Param {
            param: s(&p.param.value),
            value: ir::Scalar::Int(p.value.value),
        };
        let scalar = |v: &spec::Scalar| match v {
            spec::Scalar::Int(i) => ir::Scalar::Int(i.value),
            spec::Scalar::Str(t) => ir::Scalar::Str(s(&t.value)),
        };
        let extra = |e: &Option<spec::Extra>| {
            list(match e {
                None => Vec::new(),
                Some(spec::Extra::Object(m)) => {
                    m.0.iter()
                        .map(|(k, v)| ir::Param {
                            param: s(&k.value),
                            value: scalar(v),
                        })
                        .collect()
                }
                Some(spec::Extra::List(items)) => items
                    .iter()
                    .map(|p| ir::Param {
                        param: s(&p.param.value),
                        value: scalar(&p.value),
                    })
                    .collect(),
            })
        };
        let style = match &p.style {
            spec::PageStyle::Page(x) => ir::PageStyle::Page {
                page_number: int(&x.page_number),
                page_size: int(&x.page_size),
                extra: extra(&x.extra),
            },
            spec::PageStyle::LimitOffset(x) => ir::PageStyle::LimitOffset {
                limit: int(&x.limit),
                offset: int(&x.offset),
                extra: extra(&x.extra),
            },
            spec::PageStyle::Cursor(x) => ir::PageStyle::Cursor {
                limit: int(&x.limit),
                ordering: x.ordering.as_ref().map(|o| ir::Param {
                    param: s(&o.param.value),
                    value: scalar(&o.value),
                }),
                extra: extra(&x.extra),
            },
        };
        let parser = p.parser.as_ref();
        let cmd = |f: fn(&spec::PageParser) -> &Option<spec::Command>| {
            parser
                .and_then(|pp| f(pp).as_ref())
                .map(|c| self.command(c))
        };
        ir::Pagination {
            style,
            total_pages: cmd(|p| &p.total_pages),
            total_items: cmd(|p| &p.total_items),
            next_result_token: cmd(|p| &p.next_result_token),
            previous_result_token: cmd(|p| &p.previous_result_token),
            next_page_url: cmd(|p| &p.next_page_url),
        }
    }

    fn intake(&self, i: &spec::Intake) -> ir::Intake {
        let c = |c: &Option<spec::Command>| c.as_ref().map(|c| self.command(c));
        let (kind, span) = match i {
            spec::Intake::Webhook(w) => (
                ir::IntakeKind::Webhook(ir::Webhook {
                    scope: scope(w.scope.value),
                    create: self.command(&w.create),
                    update: c(&w.update),
                    delete: c(&w.delete),
                    verification: c(&w.verification),
                    resource_id: c(&w.resource_id),
                    account_id: c(&w.account_id),
                }),
                w.span,
            ),
            spec::Intake::Polling(p) => (
                ir::IntakeKind::Polling(ir::Polling {
                    initial_setup: c(&p.initial_setup),
                    pre_poll: c(&p.pre_poll),
                    request: self.command(&p.request),
                    post_poll: c(&p.post_poll),
                    frequency: p
                        .frequency
                        .as_ref()
                        .map(|f| f.value.clamp(0, u32::MAX as i64) as u32),
                    import_option: p.import_option.as_ref().map(|k| import_kind(k.value)),
                }),
                p.span,
            ),
        };
        ir::Intake {
            name: s(&i.name().value),
            kind,
            loc: self.loc(span),
        }
    }
    fn object(&self, o: &spec::Object) -> ir::Object {
        let json = |j: &spec::Json| s(&j.0.to_json().to_string());
        let mut extra = Vec::new();
        for (k, v) in [
            ("transform", &o.transform),
            ("from_reference", &o.from_reference),
            ("prepare_to_transform", &o.prepare_to_transform),
        ] {
            if let Some(v) = v {
                extra.push((s(k), json(v)));
            }
        }
        if let Some(e) = &o.event_type_field {
            extra.push((
                s("event_type_field"),
                s(&serde_json::Value::from(e.value.clone()).to_string()),
            ));
        }
        if let Some(e) = &o.event_types {
            let arr: Vec<serde_json::Value> = e.iter().map(|j| j.0.to_json()).collect();
            extra.push((
                s("event_types"),
                s(&serde_json::Value::from(arr).to_string()),
            ));
        }
        ir::Object {
            name: s(&o.name.value),
            singular: s(&o.labels.singular.value),
            plural: s(&o.labels.plural.value),
            description: s(&o.description.value),
            external_id: s(&o.external_id.value),
            ac_object: opt(&o.ac_object),
            fields: s(&serde_json::Value::from(
                o.fields.iter().map(|j| j.0.to_json()).collect::<Vec<_>>(),
            )
            .to_string()),
            relationships: o.relationships.as_ref().map(json),
            extra: list(extra),
        }
    }
}

fn scope(s: spec::Scope) -> ir::Scope {
    match s {
        spec::Scope::Workflow => ir::Scope::Workflow,
        spec::Scope::Connection => ir::Scope::Connection,
        spec::Scope::Application => ir::Scope::Application,
    }
}

fn import_kind(k: spec::ImportKind) -> ir::ImportKind {
    match k {
        spec::ImportKind::Single => ir::ImportKind::Single,
        spec::ImportKind::Recurring => ir::ImportKind::Recurring,
    }
}
