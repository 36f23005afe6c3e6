//! Workflows: setup steps, form fields, mapping sides.

use appstudio_runtime::ir;

use super::{Lower, import_kind, list, opt, s};
use crate::spec::{self, OptionsOf};

impl Lower<'_> {
    pub(super) fn workflow(&self, w: &crate::check::WorkflowIx) -> ir::Workflow {
        let wf = w.wf;
        let st = wf.setup.get().expect("a valid workflow has `setup`");
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
            direction: match wf.kind.get().expect("a valid workflow has `type`").value {
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

    pub(super) fn select(&self, sel: &spec::Select) -> ir::Select {
        let fields = sel
            .form_fields
            .iter()
            .map(|f| {
                let mut deps: Vec<ir::Str> = Vec::new();
                if let Some(o) = &f.options {
                    o.walk_expansions(&mut |e| {
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

    pub(super) fn map_side(&self, side: &spec::MapSide) -> ir::MapSide {
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
}
