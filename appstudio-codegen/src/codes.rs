//! The stable diagnostic codes. A code, once published, keeps its meaning.

/// A stable diagnostic code such as `AS0203`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(&'static str, &'static str);

macro_rules! codes {
    ($($name:ident = $code:literal: $what:literal;)*) => {
        impl Code {
            $(
                #[doc = concat!("`", $code, "`: ", $what)]
                pub const $name: Code = Code($code, $what);
            )*

            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];
        }
    };
}

impl Code {
    /// The code whose text is `code` (`"AS0203"`).
    pub fn parse(code: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// Whether the code is a warning (`AS1xxx`): warnings never fail the build and can be
    /// allowed with `include_app!("app.json", allow(AS1003))`.
    pub fn is_warning(self) -> bool {
        self.0.as_bytes().get(2) == Some(&b'1')
    }

    /// The code (`AS0203`).
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// What the code is about, in a few words.
    pub const fn summary(self) -> &'static str {
        self.1
    }
}

codes! {
    FILE_NOT_FOUND = "AS0001": "the config file cannot be read";
    JSON_SYNTAX = "AS0002": "the file is not valid JSON";
    DUPLICATE_KEY = "AS0003": "a key appears twice in one object";

    UNKNOWN_KEY = "AS0101": "a key the format does not have";
    MISSING_KEY = "AS0102": "a required key is missing";
    WRONG_TYPE = "AS0103": "a value has the wrong JSON type";
    INVALID_ENUM = "AS0104": "a value is not one of the allowed ones";
    INVALID_VALUE = "AS0105": "a value is out of range or malformed";
    NOT_A_COMMAND = "AS0106": "a command was expected";
    UNKNOWN_COMMAND = "AS0107": "a command name the format does not have";
    MULTIPLE_COMMANDS = "AS0108": "an object holds more than one command";
    VERSION = "AS0109": "`$version` must be \"2\"";
    EMPTY_LIST = "AS0110": "a list that must not be empty is empty";
    NUMBER_OUT_OF_RANGE = "AS0111": "a number is too large to be represented";

    EXPANSION_SYNTAX = "AS0201": "a `${…}` expansion is malformed";
    UNKNOWN_NAMESPACE = "AS0202": "an expansion names an unknown variable namespace";
    UNKNOWN_FORM_FIELD = "AS0203": "`custom_data` names a field the workflow does not have";
    FIELD_DECLARED_LATER = "AS0204": "a field's options read a field declared after it";
    OPTIONAL_WITHOUT_DEFAULT = "AS0205": "an optional field is read without `|default`";
    TEXT_HAS_NO_DISPLAY = "AS0206": "`.display` is read from a text field";
    SUBDOMAIN_NOT_DECLARED = "AS0207": "`${subdomain}` without a `subdomain` defined field";
    WEBHOOK_URL_MISPLACED = "AS0208": "`${webhook.url}` outside webhook create/update/verification";
    POLLING_STATE_MISPLACED = "AS0209": "`${polling_state}` outside a polling intake";
    PIPED_CONTENT_OUTSIDE_PIPE = "AS0210": "`${piped_content}` outside a `!pipe` or a target";
    PIPED_CONTENT_NOT_EARLIER = "AS0211": "`${piped_content.N}` names the current or a later step";
    DATA_NOT_SAVED = "AS0212": "`${data.<scope>.<key>}` names nothing a `!save` stores";
    DATA_SCOPE_MISMATCH = "AS0213": "`${data}` scope differs from the intake's scope";
    CUSTOM_DATA_PART = "AS0214": "`custom_data.<id>` is followed by neither `value` nor `display`";
    ERROR_NOT_STATIC = "AS0215": "the `!error` message contains an expansion";
    EXPANSION_OUT_OF_SCOPE = "AS0216": "an expansion is used where its namespace has no value";

    UNKNOWN_AUTH = "AS0301": "a workflow names an auth key that does not exist";
    UNKNOWN_INTAKE = "AS0302": "a workflow names a data intake that does not exist";
    HISTORICAL_NOT_POLLING = "AS0303": "`historical_data_intake` names a non-polling intake";
    DUPLICATE_NAME = "AS0304": "a name or id that must be unique is repeated";
    INTAKE_ON_OUTBOUND = "AS0305": "an outbound workflow names a data intake";
    MISSING_INTAKE = "AS0306": "an inbound workflow has no `data_intake`";
    HISTORICAL_NEEDS_WEBHOOK = "AS0307": "historical sync needs a webhook `data_intake`";
    SECOND_INBOUND = "AS0308": "an app has more than one inbound workflow";

    MISSING_SETUP_STEP = "AS0401": "a setup step the workflow's direction requires is missing";
    SCHEDULE = "AS0402": "`schedule` is missing, or present where it must not be";
    APPLICATION_SCOPE = "AS0403": "application-scope webhooks need `account_id`";
    FIELD_OPTIONS = "AS0404": "`options` is missing, or present on a field that has none";
    PERSONALIZE = "AS0405": "`personalize` on a field that is not a textarea";
    DEFINED_FIELDS = "AS0406": "`defined_fields` do not fit the auth type";
    RATE_LIMIT = "AS0407": "`rate_limit` has the wrong shape";
    PAGINATION = "AS0408": "`pagination` members do not fit its style";
    HTTP_URL = "AS0409": "`!http` has no usable `path`/`url`";
    OBJECTS = "AS0410": "`objects` breaks a custom-object rule";
    MAPPING = "AS0411": "`map` breaks a mapping rule";
    PIPELINE = "AS0412": "`data_pipeline` breaks a direction rule";
    VERIFICATION = "AS0413": "`verification` never lets a payload through";
    NOT_A_SLUG = "AS0414": "a workflow name is not a slug";
    INBOUND_ONLY = "AS0415": "a key that only inbound workflows have";
    PAGINATION_UNDEFINED = "AS0416": "`!http.pagination` without `api.pagination`";
    HEADER_VALUE = "AS0417": "a header name or value is not valid HTTP";

    JQ_SYNTAX = "AS0501": "a jq program does not parse";
    JQ_UNDEFINED = "AS0502": "a jq program names an unknown filter or variable";
    JQ_SANDBOX = "AS0503": "a jq program uses a filter that reaches outside the sandbox";
    JQ_SIZE = "AS0504": "a jq program nests too deep or is too long to compile safely";
    JQ_EXPANSIONS = "AS0505": "a jq program has more expansions than the engine binds";

    NO_DESCRIBE_CONNECTION = "AS1001": "warning: `connect` has no `describe_connection`";
    NO_DESCRIBE_TARGET = "AS1002": "warning: `map` has no `describe_target`";
    TEXT_WITHOUT_OPTIONS = "AS1003": "warning: a text field without `options`";
    NO_RESOURCE_ID = "AS1004": "warning: an application-scope webhook without `resource_id`";
    RESOURCE_TYPE_SINGULAR = "AS1005": "warning: `resource_type` is not a plural noun";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut seen = std::collections::BTreeSet::new();
        let mut last = "";
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {}", c.as_str());
            assert!(c.as_str() > last, "{} out of order", c.as_str());
            last = c.as_str();
        }
    }
}
