//! The static intermediate representation of a compiled app.
//!
//! `include_app!` lowers a validated `app.json` into these types and emits them as `static`
//! tables: every string is a [`Str`] and every sequence a [`List`], so a whole app is built at
//! compile time without allocation (`Cow::Borrowed`), while the code generator builds the same
//! types with owned data. Expansions (`${…}`) are already parsed into [`Expansion`]s, jq programs
//! are already checked, and every command carries a [`Loc`] back into `app.json` (the source map).

use std::borrow::Cow;

mod api;
mod auth;
mod command;
mod intake;
mod object;
mod outline;
mod template;
mod workflow;

pub use api::*;
pub use auth::*;
pub use command::*;
pub use intake::*;
pub use object::*;
pub use template::*;
pub use workflow::*;

/// A string in the IR: borrowed in generated `static`s, owned in the code generator.
pub type Str = Cow<'static, str>;
/// A sequence in the IR: borrowed in generated `static`s, owned in the code generator.
pub type List<T> = Cow<'static, [T]>;

/// A place in `app.json`: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Loc {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

/// `Cow::Borrowed` for strings, as a `const fn` so generated statics stay short.
pub const fn s(text: &'static str) -> Str {
    Cow::Borrowed(text)
}

// Slices stay `Cow::Borrowed(&[…])`: a function argument would not extend the temporary
// array to `'static`, an enum constructor does.

/// A [`Loc`], as a `const fn` so generated statics stay short.
pub const fn loc(line: u32, col: u32) -> Loc {
    Loc { line, col }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A whole compiled app.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    /// The config file as written in `include_app!` (for messages).
    pub file: Str,
    /// `auth`, in file order.
    pub auth: List<Auth>,
    /// `api`.
    pub api: Api,
    /// `data_intake`, in file order.
    pub intakes: List<Intake>,
    /// `workflows`, in file order.
    pub workflows: List<Workflow>,
    /// `objects`, in file order.
    pub objects: List<Object>,
}
