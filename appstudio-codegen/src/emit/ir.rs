//! Emits IR values as Rust expressions constructible in a `static` (`Cow::Borrowed`, slices).

use std::borrow::Cow;

use appstudio_runtime::ir;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// An IR value that can be written as a constant Rust expression. The expression names `ir::…`,
/// `Cow`, `Some` and `None`; [`wrap`] puts it in a block that imports them from the facade.
pub trait Emit {
    /// The expression.
    fn emit(&self) -> TokenStream;
}

/// `{ use …; expr }`: the imports every emitted IR expression relies on, through `k::__private`
/// (so a renamed `appstudio` dependency works and user items cannot shadow them).
pub fn wrap(expr: TokenStream, k: &TokenStream) -> TokenStream {
    quote! {{
        #[allow(unused_imports)]
        use #k::__private::{runtime::ir, Cow, Option::{None, Some}};
        #expr
    }}
}

impl Emit for Cow<'static, str> {
    fn emit(&self) -> TokenStream {
        let s = Literal::string(self);
        quote!(Cow::Borrowed(#s))
    }
}

impl<T: Emit + Clone> Emit for Cow<'static, [T]> {
    fn emit(&self) -> TokenStream {
        let items = self.iter().map(|i| i.emit());
        quote!(Cow::Borrowed(&[#(#items),*]))
    }
}

impl Emit for Cow<'static, ir::Http> {
    fn emit(&self) -> TokenStream {
        let inner = self.as_ref().emit();
        quote!(Cow::Borrowed(&#inner))
    }
}

impl<T: Emit> Emit for Option<T> {
    fn emit(&self) -> TokenStream {
        match self {
            Some(v) => {
                let v = v.emit();
                quote!(Some(#v))
            }
            None => quote!(None),
        }
    }
}

impl<A: Emit, B: Emit> Emit for (A, B) {
    fn emit(&self) -> TokenStream {
        let (a, b) = (self.0.emit(), self.1.emit());
        quote!((#a, #b))
    }
}

macro_rules! emit_literal {
    ($($ty:ty => $ctor:ident),*) => {$(
        impl Emit for $ty {
            fn emit(&self) -> TokenStream {
                let l = Literal::$ctor(*self);
                quote!(#l)
            }
        }
    )*};
}
emit_literal!(u16 => u16_suffixed, u32 => u32_suffixed, i64 => i64_suffixed, usize => usize_suffixed);

impl Emit for bool {
    fn emit(&self) -> TokenStream {
        if *self { quote!(true) } else { quote!(false) }
    }
}

/// `impl Emit` for a struct: every listed field is emitted in turn.
macro_rules! emit_struct {
    ($($ty:ident { $($f:ident),* $(,)? })*) => {$(
        impl Emit for ir::$ty {
            fn emit(&self) -> TokenStream {
                $( let $f = self.$f.emit(); )*
                quote!(ir::$ty { $( $f: #$f ),* })
            }
        }
    )*};
}

emit_struct! {
    Loc { line, col, pointer }
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
    Jq { program, vars }
    Http { method, target, url, path, params, headers, body, form, pagination, wrap_body }
    Expansion { ns, path, default, loc }
}

/// `impl Emit` for an enum of unit variants.
macro_rules! emit_unit_enum {
    ($($ty:ident { $($v:ident),* $(,)? })*) => {$(
        impl Emit for ir::$ty {
            fn emit(&self) -> TokenStream {
                match self {
                    $( ir::$ty::$v => quote!(ir::$ty::$v), )*
                }
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
            fn emit(&self) -> TokenStream {
                match self {
                    $( ir::$ty::$v $(($x))? => {
                        $( let $x = $x.emit(); )?
                        quote!(ir::$ty::$v $((#$x))?)
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

impl Emit for ir::AuthMethod {
    fn emit(&self) -> TokenStream {
        let p = quote!(ir::AuthMethod);
        match self {
            ir::AuthMethod::OAuth2(o) => {
                let o = o.emit();
                quote!(#p::OAuth2(#o))
            }
            ir::AuthMethod::Basic { verify_url } => {
                let v = verify_url.emit();
                quote!(#p::Basic { verify_url: #v })
            }
            ir::AuthMethod::Token {
                header_key,
                token_prefix,
                verify_url,
            } => {
                let (h, t, v) = (header_key.emit(), token_prefix.emit(), verify_url.emit());
                quote!(#p::Token { header_key: #h, token_prefix: #t, verify_url: #v })
            }
            ir::AuthMethod::Session {
                verify_url,
                request_body,
            } => {
                let (v, b) = (verify_url.emit(), request_body.emit());
                quote!(#p::Session { verify_url: #v, request_body: #b })
            }
        }
    }
}

impl Emit for ir::PageStyle {
    fn emit(&self) -> TokenStream {
        let p = quote!(ir::PageStyle);
        match self {
            ir::PageStyle::Page {
                page_number,
                page_size,
                extra,
            } => {
                let (a, b, c) = (page_number.emit(), page_size.emit(), extra.emit());
                quote!(#p::Page { page_number: #a, page_size: #b, extra: #c })
            }
            ir::PageStyle::LimitOffset {
                limit,
                offset,
                extra,
            } => {
                let (a, b, c) = (limit.emit(), offset.emit(), extra.emit());
                quote!(#p::LimitOffset { limit: #a, offset: #b, extra: #c })
            }
            ir::PageStyle::Cursor {
                limit,
                ordering,
                extra,
            } => {
                let (a, b, c) = (limit.emit(), ordering.emit(), extra.emit());
                quote!(#p::Cursor { limit: #a, ordering: #b, extra: #c })
            }
        }
    }
}

impl Emit for ir::Op {
    fn emit(&self) -> TokenStream {
        let p = quote!(ir::Op);
        match self {
            ir::Op::Jq(j) => {
                let j = j.emit();
                quote!(#p::Jq(#j))
            }
            ir::Op::Http(h) => {
                let h = h.emit();
                quote!(#p::Http(#h))
            }
            ir::Op::Pipe(steps) => {
                let s = steps.emit();
                quote!(#p::Pipe(#s))
            }
            ir::Op::Switch { jq, cases } => {
                let (j, c) = (jq.emit(), cases.emit());
                quote!(#p::Switch { jq: #j, cases: #c })
            }
            ir::Op::Resource(r) => {
                let r = r.emit();
                quote!(#p::Resource(#r))
            }
            ir::Op::Save(s) => {
                let s = s.emit();
                quote!(#p::Save(#s))
            }
            ir::Op::Error(m) => {
                let m = m.emit();
                quote!(#p::Error(#m))
            }
            ir::Op::PrintC(m) => {
                let m = m.emit();
                quote!(#p::PrintC(#m))
            }
            ir::Op::Extract { item_keys, to_json } => {
                let (i, t) = (item_keys.emit(), to_json.emit());
                quote!(#p::Extract { item_keys: #i, to_json: #t })
            }
            ir::Op::Sha { algorithm, secret } => {
                let (a, s) = (algorithm.emit(), secret.emit());
                quote!(#p::Sha { algorithm: #a, secret: #s })
            }
            ir::Op::Respond {
                process_payload,
                code,
                headers,
                body,
            } => {
                let (pp, c, h, b) = (
                    process_payload.emit(),
                    code.emit(),
                    headers.emit(),
                    body.emit(),
                );
                quote!(#p::Respond { process_payload: #pp, code: #c, headers: #h, body: #b })
            }
        }
    }
}
