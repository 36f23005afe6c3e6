//! [`WorkflowState<W>`](WorkflowState): a stored workflow instance, typed by its workflow.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use super::super::error::{Error, Result};
use super::super::state::DynWorkflowState;
use crate::api::WorkflowSpec;

/// A workflow instance as stored between runs (see [`DynWorkflowState`] for what it holds),
/// typed by its workflow `W`: a state of one workflow cannot be resumed as another.
///
/// It serializes as the untyped state; reading it back checks the stored workflow name.
pub struct WorkflowState<W> {
    dynamic: DynWorkflowState,
    workflow: PhantomData<fn() -> W>,
}

impl<W> Clone for WorkflowState<W> {
    fn clone(&self) -> Self {
        Self::of(self.dynamic.clone())
    }
}

impl<W> std::fmt::Debug for WorkflowState<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.dynamic.fmt(f)
    }
}

impl<W> PartialEq for WorkflowState<W> {
    fn eq(&self, other: &Self) -> bool {
        self.dynamic == other.dynamic
    }
}

impl<W> WorkflowState<W> {
    pub(super) fn of(dynamic: DynWorkflowState) -> Self {
        Self {
            dynamic,
            workflow: PhantomData,
        }
    }

    /// The untyped state.
    pub fn dynamic(&self) -> &DynWorkflowState {
        &self.dynamic
    }

    /// The untyped state, to keep.
    pub fn into_dynamic(self) -> DynWorkflowState {
        self.dynamic
    }
}

impl<W: WorkflowSpec> WorkflowState<W> {
    /// An untyped state as a state of `W`, if it is one.
    pub fn from_dynamic(dynamic: DynWorkflowState) -> Result<Self> {
        if dynamic.workflow != W::NAME {
            return Err(Error::invalid(format!(
                "a stored state of workflow `{}`, not of `{}`",
                dynamic.workflow,
                W::NAME
            )));
        }
        Ok(Self::of(dynamic))
    }
}

impl<W> Serialize for WorkflowState<W> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.dynamic.serialize(s)
    }
}

impl<'de, W: WorkflowSpec> Deserialize<'de> for WorkflowState<W> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let dynamic = DynWorkflowState::deserialize(d)?;
        Self::from_dynamic(dynamic).map_err(serde::de::Error::custom)
    }
}
