//! A short human-readable outline of a compiled app (`Display` for [`App`]): what a developer
//! wants to see first — auth entries, intakes, workflows with their form fields and the
//! commands of their `data_pipeline`, each with its place in `app.json`.

use std::fmt;

use super::*;

impl Op {
    /// The command's name as written in `app.json` (`!jq`, `!http`, …).
    pub const fn name(&self) -> &'static str {
        match self {
            Op::Jq(_) => "!jq",
            Op::Http(_) => "!http",
            Op::Pipe(_) => "!pipe",
            Op::Switch { .. } => "!switch",
            Op::Resource(_) => "!resource",
            Op::Save(_) => "!save",
            Op::Error(_) => "!error",
            Op::PrintC(_) => "!print_c",
            Op::Extract { .. } => "!extract",
            Op::Sha { .. } => "!sha",
            Op::Respond { .. } => "!respond",
        }
    }
}

impl AuthMethod {
    /// The auth `type` as written in `app.json`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            AuthMethod::OAuth2(_) => "oauth2",
            AuthMethod::Basic { .. } => "basic",
            AuthMethod::Token { .. } => "token",
            AuthMethod::Session { .. } => "session",
        }
    }
}

impl IntakeKind {
    /// The intake `type` as written in `app.json`.
    pub const fn type_name(&self) -> &'static str {
        match self {
            IntakeKind::Webhook(_) => "webhook",
            IntakeKind::Polling(_) => "polling",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
        })
    }
}

/// One command and, for `!pipe` and `!switch`, its steps, indented.
struct Steps<'a>(&'a Command, usize);

impl fmt::Display for Steps<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Steps(cmd, depth) = *self;
        write!(f, "{} (line {})", cmd.op.name(), cmd.loc)?;
        let children: &[Command] = match &cmd.op {
            Op::Pipe(steps) => steps,
            Op::Switch { cases, .. } => cases,
            _ => &[],
        };
        for (i, child) in children.iter().enumerate() {
            let pad = "  ".repeat(depth + 1);
            write!(f, "\n{pad}{i}. {}", Steps(child, depth + 1))?;
        }
        Ok(())
    }
}

impl fmt::Display for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "app {}", self.file)?;
        for auth in self.auth.iter() {
            writeln!(
                f,
                "  auth {} ({}, line {})",
                auth.key,
                auth.method.type_name(),
                auth.loc
            )?;
        }
        for intake in self.intakes.iter() {
            writeln!(
                f,
                "  data_intake {} ({}, line {})",
                intake.name,
                intake.kind.type_name(),
                intake.loc
            )?;
        }
        for w in self.workflows.iter() {
            writeln!(f, "  workflow {} ({}, line {})", w.name, w.direction, w.loc)?;
            if let Some(auth) = self.auth.get(w.auth) {
                writeln!(f, "    auth: {}", auth.key)?;
            }
            if let Some(intake) = w.data_intake.and_then(|i| self.intakes.get(i)) {
                writeln!(f, "    data_intake: {}", intake.name)?;
            }
            for field in w.setup.select.iter().flat_map(|s| s.form_fields.iter()) {
                write!(
                    f,
                    "    field {}: {}{}",
                    field.id,
                    field.field_type.as_str(),
                    if field.required { "" } else { ", optional" }
                )?;
                if !field.depends_on.is_empty() {
                    write!(f, ", depends on {}", field.depends_on.join(", "))?;
                }
                writeln!(f)?;
            }
            writeln!(f, "    source: {}", Steps(&w.source, 2))?;
            writeln!(f, "    target: {}", Steps(&w.target, 2))?;
        }
        Ok(())
    }
}
