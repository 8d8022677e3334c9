use super::*;
use crate::error::{exit_code_of, ExitCode};

const GOOD: &str = r#"
name = "company-rollout"
directory = "corp-ldap"
platform = "esn"

[[phase]]
name = "pilot"
audience = { group = "cn=esn-pilot,ou=groups,dc=corp,dc=example" }
communities = ["welcome", "it-news"]
welcome_message = "Bienvenue au pilote 🎉\n"
[phase.gate]
min_days = 14
min_activation = 0.9
min_contributors = 0.2
max_unanswered_hours = 48

[[phase]]
name = "wave-1"
audience = { csv = "lists/wave1.csv" }

[[phase]]
name = "company"
audience = { filter = "(objectClass=inetOrgPerson)" }
"#;

fn parse(text: &str) -> Result<RolloutPlan> {
    RolloutPlan::parse(text, Path::new("plans/rollout.toml"))
}

#[test]
fn contract_example_parses_with_lines() {
    let plan = parse(GOOD).unwrap();
    assert_eq!(plan.name, "company-rollout");
    assert_eq!(
        (plan.directory.as_str(), plan.directory_line),
        ("corp-ldap", 3)
    );
    assert_eq!(plan.phases.len(), 3);
    let pilot = &plan.phases[0];
    assert_eq!(pilot.line, 6, "the [[phase]] header");
    assert_eq!(pilot.audience_line, 8);
    assert_eq!(pilot.communities, ["welcome", "it-news"]);
    assert_eq!(
        pilot.welcome_message.as_deref(),
        Some("Bienvenue au pilote 🎉\n")
    );
    let gate = pilot.gate.as_ref().unwrap();
    assert_eq!(gate.min_days, Some(14.0));
    assert_eq!(gate.min_readers, None);
    assert!(gate.needs_metrics());
    assert_eq!(
        plan.phases[1].audience,
        Audience::Csv(PathBuf::from("plans/lists/wave1.csv"))
    );
    assert_eq!(plan.phase_index("company"), Some(2));
}

fn err(text: &str) -> String {
    let e = parse(text).unwrap_err();
    assert_eq!(exit_code_of(&e), ExitCode::InvalidData, "{e}");
    e.to_string()
}

#[test]
fn problems_name_file_line_and_field() {
    let head = "name = \"r\"\ndirectory = \"d\"\nplatform = \"p\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\nwelcom_message = \"x\"\n",
            "plans/rollout.toml:7: field \"welcom_message\": unknown field",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\n[phase.gate]\nmin_activation = 1.5\n[[phase]]\nname = \"b\"\naudience = { group = \"cn=h\" }\n",
            "plans/rollout.toml:8: field \"gate.min_activation\": 1.5 is not a fraction",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\n[[phase]]\nname = \"A\"\naudience = { group = \"cn=h\" }\n",
            "plans/rollout.toml:8: field \"name\": phase \"A\" is defined twice",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\", csv = \"x.csv\" }\n",
            "plans/rollout.toml:6: field \"audience\": has group and csv",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = {}\n",
            "plans/rollout.toml:6: field \"audience\": needs one of",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { filter = \"(uid=a\" }\n",
            "plans/rollout.toml:6: field \"audience.filter\": \"(uid=a\" is not a valid LDAP filter",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\n[phase.gate]\nmin_days = 3\n",
            "plans/rollout.toml:7: field \"gate\": phase \"a\" is the last one",
        ),
        ("", "plans/rollout.toml:1: field \"phase\": the plan has no phases"),
        (
            "[[phase]]\nname = \" \"\naudience = { group = \"cn=g\" }\n",
            "plans/rollout.toml:5: field \"name\": must not be empty",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\nwelcome_message = \"hi\"\n",
            "plans/rollout.toml:7: field \"welcome_message\": is posted in the phase's communities",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"esn-pilot\" }\n",
            "field \"audience.group\": \"esn-pilot\" is not a DN",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\ncommunities = [\"x\", \"X\"]\n",
            "plans/rollout.toml:7: field \"communities\": \"X\" is listed twice",
        ),
        (
            "[[phase]]\nname = \"a\"\naudience = { group = \"cn=g\" }\n[phase.gate]\nmax_unanswered_hours = -1\n[[phase]]\nname = \"b\"\naudience = { group = \"cn=h\" }\n",
            "plans/rollout.toml:8: field \"gate.max_unanswered_hours\": -1 must be",
        ),
    ];
    for (body, want) in cases {
        let got = err(&format!("{head}{body}"));
        assert!(
            got.starts_with(want) || got.contains(want),
            "want {want}\n got {got}"
        );
    }
    let missing = err("name = \"r\"\nplatform = \"p\"\n");
    assert!(missing.contains("field \"directory\""), "{missing}");
    let syntax = err("name = \"r\"\ndirectory = \nplatform = \"p\"\n");
    assert!(syntax.starts_with("plans/rollout.toml:2:"), "{syntax}");
}

/// A fuzz target calls `parse` on arbitrary text: truncated and garbled plans must be
/// errors, never panics.
#[test]
fn any_prefix_or_garbling_is_an_error_not_a_panic() {
    for (i, _) in GOOD.char_indices() {
        let _ = parse(&GOOD[..i]);
        for junk in ["\"", "]", "(", "\\", "é", "\n[[phase]]\n", "=*"] {
            let _ = parse(&format!("{}{junk}{}", &GOOD[..i], &GOOD[i..]));
        }
    }
}

#[test]
fn integers_are_accepted_where_numbers_are_expected() {
    let text = GOOD.replace("min_activation = 0.9", "min_activation = 1");
    let plan = parse(&text).unwrap();
    assert_eq!(
        plan.phases[0].gate.as_ref().unwrap().min_activation,
        Some(1.0)
    );
}
