//! Emits IR values as Rust expressions constructible in a `static` (`Cow::Borrowed`, slices).
//!
//! The IR of a large app is hundreds of thousands of tokens; it is written as Rust source text
//! (fast string appends) and tokenized once, instead of being assembled from many small
//! `TokenStream`s.

use std::borrow::Cow;
use std::fmt::Write;

use appstudio_runtime::ir;
use proc_macro2::TokenStream;
use quote::quote;

/// An IR value that can be written as a constant Rust expression. The expression names `ir::…`,
/// `s`, `loc`, `Cow`, `Some` and `None`; [`wrap`] puts it in a block that imports them from the facade.
pub(crate) trait Emit {
    /// Appends the expression to `out`.
    fn emit(&self, out: &mut String);

    /// The expression as a string.
    fn to_source(&self) -> String
    where
        Self: Sized,
    {
        let mut out = String::new();
        self.emit(&mut out);
        out
    }
}

/// `{ use …; expr }`: the imports every emitted IR expression relies on, through `k::__private`
/// (so a renamed `appstudio` dependency works and user items cannot shadow them).
pub(super) fn wrap(expr: &str, k: &TokenStream) -> TokenStream {
    let expr: TokenStream = match expr.parse() {
        Ok(t) => t,
        Err(e) => {
            let msg = format!("appstudio: internal error, generated IR does not tokenize: {e}");
            return quote!(::core::compile_error!(#msg));
        }
    };
    quote! {{
        #[allow(unused_imports)]
        use #k::__private::{runtime::ir::{self, loc, s}, Cow, Option::{None, Some}};
        #expr
    }}
}

impl Emit for Cow<'static, str> {
    fn emit(&self, out: &mut String) {
        let _ = write!(out, "s({:?})", self.as_ref());
    }
}

impl<T: Emit + Clone> Emit for Cow<'static, [T]> {
    fn emit(&self, out: &mut String) {
        out.push_str("Cow::Borrowed(&[");
        for i in self.iter() {
            i.emit(out);
            out.push(',');
        }
        out.push_str("])");
    }
}

impl Emit for Cow<'static, ir::Http> {
    fn emit(&self, out: &mut String) {
        out.push_str("Cow::Borrowed(&");
        self.as_ref().emit(out);
        out.push(')');
    }
}

impl<T: Emit> Emit for Option<T> {
    fn emit(&self, out: &mut String) {
        match self {
            Some(v) => {
                out.push_str("Some(");
                v.emit(out);
                out.push(')');
            }
            None => out.push_str("None"),
        }
    }
}

impl<A: Emit, B: Emit> Emit for (A, B) {
    fn emit(&self, out: &mut String) {
        out.push('(');
        self.0.emit(out);
        out.push(',');
        self.1.emit(out);
        out.push(')');
    }
}

macro_rules! emit_literal {
    ($($ty:ty),*) => {$(
        impl Emit for $ty {
            fn emit(&self, out: &mut String) {
                let _ = write!(out, "{}{}", self, stringify!($ty));
            }
        }
    )*};
}
emit_literal!(u16, u32, i64, usize);

impl Emit for ir::Loc {
    fn emit(&self, out: &mut String) {
        let _ = write!(out, "loc({}, {})", self.line, self.col);
    }
}

impl Emit for bool {
    fn emit(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// `impl Emit` for a struct: every listed field is emitted in turn.
macro_rules! emit_struct {
    ($($ty:ident { $($f:ident),* $(,)? })*) => {$(
        impl Emit for ir::$ty {
            fn emit(&self, out: &mut String) {
                out.push_str(concat!("ir::", stringify!($ty), "{"));
                $(
                    out.push_str(concat!(stringify!($f), ":"));
                    self.$f.emit(out);
                    out.push(',');
                )*
                out.push('}');
            }
        }
    )*};
}

emit_struct! {
    App { file, auth, api, intakes, workflows, objects }
    Auth { key, method, defined_fields, loc }
    OAuth2 { authorization_base_url, client_id, client_secret, scopes, token_request_body, token_url, refresh_url, include_client_id }
    DefinedField { name, label, placeholder, help_text }
    Api { base_url, pagination, rate_limit }
    Pagination { style, total_pages, total_items, next_result_token, previous_result_token, next_page_url }
    Param { param, value }
    RateLimit { level, read, write, shared }
    Quota { requests, period }
    Intake { name, kind, loc }
    Webhook { scope, create, update, delete, verification, resource_id, account_id }
    Polling { initial_setup, pre_poll, request, post_poll, frequency, import_option }
    Workflow { name, label, description, direction, resource_type, auth, data_intake, historical_data_intake, resource_labels, setup, source, target, loc }
    ResourceLabels { webhook_events, webhook_objects_updated, historical_sync_events, historical_sync_objects_updated }
    Setup { connect, select, map, schedule, review_events, review_objects }
    Connect { label, help_text, describe_connection }
    Select { label, description, form_fields, resource_id, display }
    FormField { id, label, field_type, required, placeholder, help_text, search_term, personalize, options, depends_on, loc }
    Map { label, source, target }
    MapSide { label, options, default_group }
    Schedule { label, description, import_options, frequency }
    ImportOption { label, kind }
    Review { label, header, description }
    Object { name, singular, plural, description, external_id, ac_object, fields, relationships, extra }
    Command { op, loc }
    Jq { program, vars, native }
    Http { method, target, url, path, params, headers, body, form, pagination, wrap_body }
    Expansion { ns, path, default, loc }
}

/// `impl Emit` for an enum of unit variants.
macro_rules! emit_unit_enum {
    ($($ty:ident { $($v:ident),* $(,)? })*) => {$(
        impl Emit for ir::$ty {
            fn emit(&self, out: &mut String) {
                out.push_str(match self {
                    $( ir::$ty::$v => concat!("ir::", stringify!($ty), "::", stringify!($v)), )*
                });
            }
        }
    )*};
}

emit_unit_enum! {
    FieldName { Username, Password, Token, Subdomain }
    RateLevel { User, App }
    Scope { Workflow, Connection, Application }
    ImportKind { Single, Recurring }
    Direction { Outbound, Inbound }
    FieldType { Text, Textarea, Dropdown, Multiselect }
    Method { Get, Post, Put, Patch, Delete, Options }
    Target { Connection, External, ActiveCampaign }
    ShaAlgorithm { Md5, Sha1, Sha224, Sha256, Sha384, Sha512, Sha3_224, Sha3_256, Sha3_384, Sha3_512, Shake128, Shake256, Blake2b, Blake2s }
    Namespace { CustomData, Subdomain, Webhook, Data, PipedContent, PollingState, Resource }
}

/// `impl Emit` for an enum whose variants hold one value each (or nothing).
macro_rules! emit_newtype_enum {
    ($($ty:ident { $($v:ident $(($x:ident))?),* $(,)? })*) => {$(
        impl Emit for ir::$ty {
            fn emit(&self, out: &mut String) {
                match self {
                    $( ir::$ty::$v $(($x))? => {
                        out.push_str(concat!("ir::", stringify!($ty), "::", stringify!($v)));
                        $(
                            out.push('(');
                            $x.emit(out);
                            out.push(')');
                        )?
                    } )*
                }
            }
        }
    )*};
}

emit_newtype_enum! {
    Scalar { Int(v), Str(v) }
    IntakeKind { Webhook(v), Polling(v) }
    Options { Static(v), Command(v) }
    Resource { Contact, ContactFields, AccountFields, DealFields, Fields, Sync, AccountSync(v), DealSync(v) }
    StrTemplate { Lit(v), Value(v), Mixed(v) }
    Segment { Lit(v), Var(v) }
    PathSeg { Key(v), Index(v) }
    Template { Null, Bool(v), Number(v), String(v), Array(v), Object(v) }
}

/// `impl Emit` for enum variants with named fields.
macro_rules! emit_struct_variants {
    ($ty:ident, $out:ident, $value:expr, { $($v:ident { $($f:ident),* }),* $(,)? } $(, $other:pat => $fallback:expr)?) => {
        match $value {
            $( ir::$ty::$v { $($f),* } => {
                $out.push_str(concat!("ir::", stringify!($ty), "::", stringify!($v), "{"));
                $(
                    $out.push_str(concat!(stringify!($f), ":"));
                    $f.emit($out);
                    $out.push(',');
                )*
                $out.push('}');
            } )*
            $( $other => $fallback, )?
        }
    };
}

impl Emit for ir::AuthMethod {
    fn emit(&self, out: &mut String) {
        emit_struct_variants!(AuthMethod, out, self, {
            Basic { verify_url },
            Token { header_key, token_prefix, verify_url },
            Session { verify_url, request_body },
        }, ir::AuthMethod::OAuth2(o) => {
            out.push_str("ir::AuthMethod::OAuth2(");
            o.emit(out);
            out.push(')');
        });
    }
}

impl Emit for ir::PageStyle {
    fn emit(&self, out: &mut String) {
        emit_struct_variants!(PageStyle, out, self, {
            Page { page_number, page_size, extra },
            LimitOffset { limit, offset, extra },
            Cursor { limit, ordering, extra },
        });
    }
}

fn newtype(variant: &str, value: &dyn Emit, out: &mut String) {
    out.push_str("ir::Op::");
    out.push_str(variant);
    out.push('(');
    value.emit(out);
    out.push(')');
}

impl Emit for ir::Op {
    fn emit(&self, out: &mut String) {
        match self {
            ir::Op::Jq(v) => newtype("Jq", v, out),
            ir::Op::Http(v) => newtype("Http", v, out),
            ir::Op::Pipe(v) => newtype("Pipe", v, out),
            ir::Op::Resource(v) => newtype("Resource", v, out),
            ir::Op::Save(v) => newtype("Save", v, out),
            ir::Op::Error(v) => newtype("Error", v, out),
            ir::Op::PrintC(v) => newtype("PrintC", v, out),
            other => emit_struct_variants!(Op, out, other, {
                Switch { jq, cases },
                Extract { item_keys, to_json },
                Sha { algorithm, secret },
                Respond { process_payload, code, headers, body },
            }, _ => {}),
        }
    }
}
