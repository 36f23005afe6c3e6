//! Lowering: the validated spec model becomes the runtime's IR (owned), with a source map.

use std::borrow::Cow;

use appstudio_runtime::ir;
use jaq_core::load::parse::{BinaryOp, Term};
use jaq_core::path::Part;

use crate::check::Index;
use crate::jqtext;
use crate::source::{Source, Span};
use crate::spec::{self, Op, OptionsOf, Piece, ResourceSpec, StrTmpl, Template};

/// Lowers a valid app.
pub(crate) fn lower(app: &spec::App, source: &Source) -> ir::App {
    let index = Index::new(app);
    let l = Lower { source };
    ir::App {
        file: source.name.clone().into(),
        auth: index
            .auth
            .iter()
            .map(|(key, a)| l.auth(key, a))
            .collect::<Vec<_>>()
            .into(),
        api: l.api(&app.api),
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

    fn workflow(&self, w: &crate::check::WorkflowIx) -> ir::Workflow {
        let wf = w.wf;
        let st = &wf.setup;
        let labels = wf.resource_labels.as_ref();
        let strs = |v: Option<&Option<Vec<spec::Text>>>| {
            list(
                v.and_then(Option::as_ref)
                    .map(|v| v.iter().map(|t| s(&t.value)).collect())
                    .unwrap_or_default(),
            )
        };
        let review = |r: &Option<spec::Review>| {
            r.as_ref().map(|r| ir::Review {
                label: opt(&r.label),
                header: opt(&r.header),
                description: opt(&r.description),
            })
        };
        ir::Workflow {
            name: s(&wf.name.value),
            label: s(&wf.label.value),
            description: opt(&wf.description),
            direction: match wf.kind.value {
                spec::WorkflowType::Automations => ir::Direction::Outbound,
                spec::WorkflowType::Generic => ir::Direction::Inbound,
            },
            resource_type: opt(&wf.resource_type),
            auth: w.auth.unwrap_or_default(),
            data_intake: w.intake,
            historical_data_intake: w.historical,
            resource_labels: ir::ResourceLabels {
                webhook_events: strs(labels.map(|l| &l.webhook_events)),
                webhook_objects_updated: strs(labels.map(|l| &l.webhook_objects_updated)),
                historical_sync_events: strs(labels.map(|l| &l.historical_sync_events)),
                historical_sync_objects_updated: strs(
                    labels.map(|l| &l.historical_sync_objects_updated),
                ),
            },
            setup: ir::Setup {
                connect: ir::Connect {
                    label: s(&st.connect.label.value),
                    help_text: opt(&st.connect.help_text),
                    describe_connection: st
                        .connect
                        .describe_connection
                        .as_ref()
                        .map(|c| self.command(c)),
                },
                select: st.select.as_ref().map(|sel| self.select(sel)),
                map: st.map.as_ref().map(|m| ir::Map {
                    label: s(&m.label.value),
                    source: self.map_side(&m.describe_source),
                    target: m.describe_target.as_ref().map(|t| self.map_side(t)),
                }),
                schedule: st.schedule.as_ref().map(|sc| ir::Schedule {
                    label: s(&sc.label.value),
                    description: s(&sc.description.value),
                    import_options: list(
                        sc.import_options
                            .iter()
                            .map(|o| ir::ImportOption {
                                label: s(&o.label.value),
                                kind: import_kind(o.kind.value),
                            })
                            .collect(),
                    ),
                    frequency: sc.frequency.value.clamp(0, u32::MAX as i64) as u32,
                }),
                review_events: review(&st.review_events),
                review_objects: review(&st.review_objects),
            },
            source: self.command(&wf.data_pipeline.source),
            target: self.command(&wf.data_pipeline.target),
            loc: self.loc(wf.span),
        }
    }

    fn select(&self, sel: &spec::Select) -> ir::Select {
        let fields = sel
            .form_fields
            .iter()
            .map(|f| {
                let mut deps: Vec<ir::Str> = Vec::new();
                if let Some(o) = &f.options {
                    for_each_expansion_in_options(o, &mut |e| {
                        if e.ns == spec::Namespace::CustomData
                            && let Some(id) = e.path.first()
                            && !deps.iter().any(|d| d == id.name.as_str())
                        {
                            deps.push(s(&id.name));
                        }
                    });
                }
                ir::FormField {
                    id: s(&f.id.value),
                    label: s(&f.label.value),
                    field_type: match f.kind.value {
                        spec::FieldType::Text => ir::FieldType::Text,
                        spec::FieldType::Textarea => ir::FieldType::Textarea,
                        spec::FieldType::Dropdown => ir::FieldType::Dropdown,
                        spec::FieldType::Multiselect => ir::FieldType::Multiselect,
                    },
                    required: f.is_required(),
                    placeholder: opt(&f.placeholder),
                    help_text: opt(&f.help_text),
                    search_term: opt(&f.search_term),
                    personalize: matches!(f.personalize, Some(spec::Personalize::Contact(_))),
                    options: f.options.as_ref().map(|o| match o {
                        OptionsOf::Command(c) => ir::Options::Command(self.command(c)),
                        OptionsOf::Static(items) => ir::Options::Static(ir::Template::Array(list(
                            items
                                .iter()
                                .map(|i| {
                                    ir::Template::Object(list(vec![
                                        (
                                            s("display"),
                                            ir::Template::String(self.str_tmpl(&i.display)),
                                        ),
                                        (s("value"), self.template(&i.value)),
                                    ]))
                                })
                                .collect(),
                        ))),
                    }),
                    depends_on: list(deps),
                    loc: self.loc(f.span),
                }
            })
            .collect();
        let ds = sel.describe_selection.as_ref();
        ir::Select {
            label: s(&sel.label.value),
            description: opt(&sel.description),
            form_fields: list(fields),
            resource_id: ds.map(|d| self.command(&d.resource_id)),
            display: ds.map(|d| self.command(&d.display)),
        }
    }

    fn map_side(&self, side: &spec::MapSide) -> ir::MapSide {
        let scalar = |v: &spec::Scalar| match v {
            spec::Scalar::Int(i) => ir::Template::Number(s(&i.value.to_string())),
            spec::Scalar::Str(t) => ir::Template::String(ir::StrTemplate::Lit(s(&t.value))),
        };
        let text = |t: &spec::Text| ir::Template::String(ir::StrTemplate::Lit(s(&t.value)));
        ir::MapSide {
            label: s(&side.label.value),
            options: match &side.options {
                OptionsOf::Command(c) => ir::Options::Command(self.command(c)),
                OptionsOf::Static(items) => ir::Options::Static(ir::Template::Array(list(
                    items
                        .iter()
                        .map(|o| {
                            let mut m =
                                vec![(s("title"), text(&o.title)), (s("id"), scalar(&o.id))];
                            if let Some(r) = &o.required {
                                m.push((s("required"), ir::Template::Bool(r.value)));
                            }
                            if let Some(g) = &o.group {
                                m.push((s("group"), text(g)));
                            }
                            if let Some(g) = &o.schema_id {
                                m.push((s("schemaId"), text(g)));
                            }
                            if let Some(sf) = &o.source_fields {
                                m.push((
                                    s("source_fields"),
                                    ir::Template::Array(list(
                                        sf.iter()
                                            .map(|f| {
                                                ir::Template::Object(list(vec![
                                                    (s("title"), text(&f.title)),
                                                    (s("id"), scalar(&f.id)),
                                                ]))
                                            })
                                            .collect(),
                                    )),
                                ));
                            }
                            ir::Template::Object(list(m))
                        })
                        .collect(),
                ))),
            },
            default_group: opt(&side.default_group),
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

    /// Lowers a command. `!http` steps of a pipe learn from their consumers whether to wrap the
    /// response in `{"body": …}` (D3).
    fn command(&self, c: &spec::Command) -> ir::Command {
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
            Op::Resource(r) => ir::Op::Resource(match r {
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
                    spec::ResourceAction::DealSync => {
                        ir::Resource::DealSync(self.template(&call.data))
                    }
                },
            }),
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

    fn http(&self, h: &spec::Http, wrap_body: bool) -> ir::Http {
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

    fn jq(&self, t: &StrTmpl) -> ir::Jq {
        let r = jqtext::rewrite(t);
        ir::Jq {
            program: r.program.into(),
            vars: list(r.vars.iter().map(|e| self.expansion(e)).collect()),
        }
    }

    fn template(&self, t: &Template) -> ir::Template {
        match t {
            Template::Null(_) => ir::Template::Null,
            Template::Bool(b, _) => ir::Template::Bool(*b),
            Template::Number(n, _) => ir::Template::Number(s(n)),
            Template::String(st) => ir::Template::String(self.str_tmpl(st)),
            Template::Array(items, _) => {
                ir::Template::Array(list(items.iter().map(|i| self.template(i)).collect()))
            }
            Template::Object(members, _) => self.template_map(members),
        }
    }

    fn template_map(&self, members: &[(spec::Text, Template)]) -> ir::Template {
        ir::Template::Object(list(
            members
                .iter()
                .map(|(k, v)| (s(&k.value), self.template(v)))
                .collect(),
        ))
    }

    fn str_tmpl(&self, t: &StrTmpl) -> ir::StrTemplate {
        match t.pieces.as_slice() {
            [] => ir::StrTemplate::Lit(s("")),
            [Piece::Lit(l)] => ir::StrTemplate::Lit(s(l)),
            [Piece::Var(e)] => ir::StrTemplate::Value(self.expansion(e)),
            pieces => ir::StrTemplate::Mixed(list(
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(l) => ir::Segment::Lit(s(l)),
                        Piece::Var(e) => ir::Segment::Var(self.expansion(e)),
                    })
                    .collect(),
            )),
        }
    }

    fn expansion(&self, e: &spec::Expansion) -> ir::Expansion {
        ir::Expansion {
            ns: e.ns,
            path: list(
                e.path
                    .iter()
                    .map(|seg| match seg.name.parse::<u32>() {
                        Ok(i) if !seg.name.starts_with('+') => ir::PathSeg::Index(i),
                        _ => ir::PathSeg::Key(s(&seg.name)),
                    })
                    .collect(),
            ),
            default: e.default.as_deref().map(s),
            loc: self.loc(e.span),
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

fn for_each_expansion_in_options<T>(o: &OptionsOf<T>, f: &mut impl FnMut(&spec::Expansion))
where
    T: OptionExpansions,
{
    match o {
        OptionsOf::Command(c) => c.walk_expansions(f),
        OptionsOf::Static(items) => items.iter().for_each(|i| i.expansions(f)),
    }
}

/// Static options whose strings may hold expansions.
trait OptionExpansions {
    fn expansions(&self, f: &mut dyn FnMut(&spec::Expansion));
}

impl OptionExpansions for spec::FieldOption {
    fn expansions(&self, f: &mut dyn FnMut(&spec::Expansion)) {
        self.display.expansions().for_each(&mut *f);
        self.value
            .for_each_str(&mut |s| s.expansions().for_each(&mut *f));
    }
}

/// Whether the output of `steps[i]` (an `!http`) is read through `.body` (D3): by the next
/// step's jq program, or by a later `${piped_content.(i+1).body…}`.
fn consumer_reads_body(steps: &[spec::Command], i: usize) -> bool {
    let next = steps.get(i + 1).is_some_and(|n| match &n.op {
        Op::Jq(t) => program_reads_body(t),
        Op::Switch(sw) => program_reads_body(&sw.jq),
        _ => false,
    });
    let k = (i + 1).to_string();
    let mut by_ref = false;
    for later in &steps[i + 1..] {
        later.walk_expansions(&mut |e| {
            if e.ns == spec::Namespace::PipedContent
                && e.path.first().is_some_and(|p| p.name == k)
                && e.path.get(1).is_some_and(|p| p.name == "body")
            {
                by_ref = true;
            }
        });
    }
    next || by_ref
}

/// Whether a jq program reads `.body` of its input.
pub(crate) fn program_reads_body(t: &StrTmpl) -> bool {
    let r = jqtext::rewrite(t);
    jaq_core::load::parse(&r.program, |p| p.term()).is_some_and(|term| reads_body(&term))
}

fn reads_body(t: &Term<&str>) -> bool {
    match t {
        Term::Path(base, path) => {
            let first_is_body = matches!(**base, Term::Id)
                && path.0.first().is_some_and(|(part, _)| {
                    matches!(part, Part::Index(Term::Str(None, parts)) if matches!(parts.as_slice(), [jaq_core::load::lex::StrPart::Str("body")]))
                });
            first_is_body
                || reads_body(base)
                || path.0.iter().any(|(part, _)| match part {
                    Part::Index(i) => reads_body(i),
                    Part::Range(a, b) => a.iter().chain(b).any(reads_body),
                })
        }
        Term::BinOp(l, BinaryOp::Pipe(None), _) => reads_body(l),
        Term::BinOp(l, _, r) => reads_body(l) || reads_body(r),
        Term::Str(_, parts) => parts.iter().any(|p| match p {
            jaq_core::load::lex::StrPart::Term(t) => reads_body(t),
            _ => false,
        }),
        Term::Arr(Some(t)) | Term::Neg(t) | Term::Label(_, t) => reads_body(t),
        Term::Obj(entries) => entries
            .iter()
            .any(|(k, v)| reads_body(k) || v.as_ref().is_some_and(reads_body)),
        Term::Fold(_, src, _, args) => reads_body(src) || args.first().is_some_and(reads_body),
        Term::TryCatch(a, b) => reads_body(a) || b.as_deref().is_some_and(reads_body),
        Term::IfThenElse(branches, els) => {
            branches.iter().any(|(c, t)| reads_body(c) || reads_body(t))
                || els.as_deref().is_some_and(reads_body)
        }
        Term::Def(_, body) => reads_body(body),
        Term::Call(_, args) => args.iter().any(reads_body),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;
    use crate::spec::{Cx, FromNode};

    fn reads(program: &str) -> bool {
        let text = serde_json::to_string(program).unwrap();
        let source = Source::new("app.json", text.clone());
        let mut cx = Cx::new(&source);
        let node = crate::json::parse(&text).unwrap().root;
        program_reads_body(&StrTmpl::from_node(&node, &mut cx).unwrap())
    }

    #[test]
    fn detects_body_reads_at_the_input() {
        assert!(reads(".body.items[]"));
        assert!(reads(".body | .x"));
        assert!(reads("{id: .body.id}"));
        assert!(reads("[.body[] | {display: .name}]"));
        assert!(reads("if .body.ok then 1 else 0 end"));
        assert!(!reads(".items[]"));
        assert!(!reads(".items[] | .body"));
        assert!(!reads("{id: .id, body: .text}"));
        assert!(!reads(".x.body"));
    }
}
