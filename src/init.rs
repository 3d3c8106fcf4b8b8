//! `blueprint init`: commented starter designs, built into the binary.
//! Three are shapes to start from (`templates/init/`); the others are the
//! sound bundled designs of `designs/`, whole examples to adapt. The
//! designs that carry mistakes on purpose are not offered as starters.

use crate::suggest::did_you_mean;

pub struct Template {
    pub name: &'static str,
    /// One line: what it is a starter for.
    pub summary: &'static str,
    pub text: &'static str,
}

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "web-app",
        summary: "load balancer, stateless web tier, replicated database",
        text: include_str!("../templates/init/web-app.yaml"),
    },
    Template {
        name: "api-with-cache",
        summary: "gateway, API, cache-aside Redis in front of the database",
        text: include_str!("../templates/init/api-with-cache.yaml"),
    },
    Template {
        name: "event-pipeline",
        summary: "ingest API, Kafka topic, idempotent workers, sharded store",
        text: include_str!("../templates/init/event-pipeline.yaml"),
    },
    Template {
        name: "url-shortener",
        summary: "bundled design: read-heavy redirects behind a big cache",
        text: include_str!("../designs/url-shortener.yaml"),
    },
    Template {
        name: "paste-service",
        summary: "bundled design: load from reads/writes totals, object store",
        text: include_str!("../designs/paste-service.yaml"),
    },
    Template {
        name: "chat",
        summary: "bundled design: WebSocket gateway, fan-out through a queue",
        text: include_str!("../designs/chat.yaml"),
    },
    Template {
        name: "timeline",
        summary: "bundled design: news feed, load derived from a workload",
        text: include_str!("../designs/timeline.yaml"),
    },
    Template {
        name: "payments-api",
        summary: "bundled design: measured latency percentiles and bursty clients",
        text: include_str!("../designs/payments-api.yaml"),
    },
    Template {
        name: "rate-limiter",
        summary: "bundled design: a distributed rate limiter",
        text: include_str!("../designs/rate-limiter.yaml"),
    },
];

/// The template of that name, or what to say instead: the closest name,
/// and the list.
pub fn find(name: &str) -> Result<&'static Template, String> {
    if let Some(template) = TEMPLATES.iter().find(|t| t.name == name) {
        return Ok(template);
    }
    let names = TEMPLATES.iter().map(|t| t.name);
    let hint = did_you_mean(name, names.clone())
        .map(|close| format!("; did you mean `{close}`?"))
        .unwrap_or_default();
    Err(format!(
        "no template is named `{name}`{hint} (templates: {})",
        names.collect::<Vec<_>>().join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_misspellings_are_helped() {
        for (i, template) in TEMPLATES.iter().enumerate() {
            assert!(TEMPLATES[..i].iter().all(|t| t.name != template.name));
        }
        assert_eq!(find("chat").unwrap().name, "chat");
        let error = find("web-ap").err().unwrap();
        assert!(error.contains("did you mean `web-app`?"), "{error}");
        assert!(error.contains("event-pipeline"), "{error}");
    }

    /// Every starter reads and passes review without an error (the
    /// integration test also checks it has no finding at all).
    #[test]
    fn every_template_is_a_valid_design() {
        for template in TEMPLATES {
            let report = crate::check(
                template.name,
                template.text.as_bytes(),
                &crate::CheckOptions::default(),
            );
            let errors: Vec<&str> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::diagnostic::Severity::Error)
                .map(|d| d.message.as_str())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", template.name);
        }
    }
}
