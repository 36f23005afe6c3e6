//! Traits the generated API implements, so that generic runtime code can drive it.

use crate::ir;

/// A compiled app: the type `include_app!` emits as `App`.
pub trait AppSpec {
    /// The app's static IR.
    fn ir() -> &'static ir::App;
}

/// One workflow of a compiled app: the `Workflow` type of each generated workflow module.
pub trait WorkflowSpec {
    /// The app it belongs to.
    type App: AppSpec;
    /// The values of its form fields (`custom_data`).
    type CustomData: serde::Serialize + serde::de::DeserializeOwned;
    /// Its index in [`ir::App::workflows`].
    const INDEX: usize;

    /// The workflow's IR.
    fn ir() -> &'static ir::Workflow {
        &Self::App::ir().workflows[Self::INDEX]
    }
}

/// A typed request for one form field's options. It holds exactly the fields the options
/// command reads, so a dependent dropdown cannot be loaded before its parent is chosen.
pub trait OptionsQuery: serde::Serialize {
    /// The workflow of the field.
    type Workflow: WorkflowSpec;
    /// The field's index in `setup.select.form_fields`.
    const FIELD: usize;

    /// The field's IR.
    fn field() -> &'static ir::FormField {
        let select = <Self::Workflow as WorkflowSpec>::ir().setup.select.as_ref();
        match select {
            Some(select) => &select.form_fields[Self::FIELD],
            None => unreachable!("generated options queries exist only for workflows with select"),
        }
    }
}
