//! Typed client of ActiveCampaign's API v3: the calls the engine makes (contacts, custom
//! fields, tags, accounts, deals, custom-object records), one rate limiter per account, retries.
