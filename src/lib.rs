//! appstudio
