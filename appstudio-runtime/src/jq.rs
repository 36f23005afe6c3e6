//! jq front end shared by the code generator (build-time checks) and the engine.
