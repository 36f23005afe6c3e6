//! Test support: a fake ActiveCampaign API v3 server on loopback (feature `testing`).
