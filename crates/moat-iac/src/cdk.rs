//! CDK cloud assemblies (`cdk.out`): `manifest.json` names each stack's
//! template and, in its metadata, the construct path of every logical id.

use crate::node_util::{entries, get, items, text};
use moat_source::node::Node;
use moat_source::{Diagnostic, SourceFile};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One stack of an assembly.
#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    /// The template's file name, relative to the assembly directory.
    pub template: String,
    /// Logical id -> construct path (`/Stack/Bucket/Resource`).
    pub paths: BTreeMap<String, String>,
    /// The pseudo parameters the stack's environment fixes
    /// (`aws://123456789012/us-east-1` gives `AWS::AccountId` and
    /// `AWS::Region`; an environment-agnostic stack fixes neither).
    pub environment: BTreeMap<String, String>,
}

/// The pseudo parameters an artifact's `environment` fixes.
pub fn environment_params(environment: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(rest) = environment.strip_prefix("aws://") else {
        return out;
    };
    let (account, region) = rest.split_once('/').unwrap_or((rest, ""));
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        out.insert("AWS::AccountId".to_string(), account.to_string());
    }
    let region_like = !region.is_empty()
        && !region.starts_with("unknown")
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if region_like {
        out.insert("AWS::Region".to_string(), region.to_string());
    }
    out
}

/// What a manifest holds.
#[derive(Debug, Default)]
pub struct Assembly {
    pub stacks: Vec<Stack>,
    /// Nested assemblies (CDK stages), relative directory names.
    pub nested: Vec<String>,
}

/// Whether a parsed JSON file is a cloud assembly manifest.
pub fn is_manifest(root: &Node<'_>) -> bool {
    get(root, "artifacts").is_some() && get(root, "version").is_some()
}

/// Reads a `manifest.json`.
pub fn read_manifest(file: &SourceFile) -> Result<Assembly, Box<Diagnostic>> {
    let root = moat_source::node::parse(file)?;
    let mut assembly = Assembly::default();
    let Some(artifacts) = get(&root, "artifacts") else {
        return Ok(assembly);
    };
    for (key, artifact) in entries(artifacts) {
        let kind = get(artifact, "type").and_then(text).unwrap_or_default();
        let props = get(artifact, "properties");
        match kind.as_str() {
            "aws:cloudformation:stack" => {
                let Some(template) = props.and_then(|p| get(p, "templateFile")).and_then(text)
                else {
                    continue;
                };
                let mut paths = BTreeMap::new();
                if let Some(metadata) = get(artifact, "metadata") {
                    for (path, list) in entries(metadata) {
                        for entry in items(list) {
                            if get(entry, "type").and_then(text).as_deref()
                                == Some("aws:cdk:logicalId")
                                && let (Some(id), Some(path)) =
                                    (get(entry, "data").and_then(text), text(path))
                            {
                                paths.insert(id, path);
                            }
                        }
                    }
                }
                let environment = get(artifact, "environment")
                    .and_then(text)
                    .map(|e| environment_params(&e))
                    .unwrap_or_default();
                assembly.stacks.push(Stack {
                    name: text(key).unwrap_or_default(),
                    template,
                    paths,
                    environment,
                });
            }
            "cdk:cloud-assembly" => {
                if let Some(dir) = props.and_then(|p| get(p, "directoryName")).and_then(text) {
                    assembly.nested.push(dir);
                }
            }
            _ => {}
        }
    }
    Ok(assembly)
}

/// The language a CDK app is written in, as far as fixes need it: the
/// report shows a finding's CDK fix in this language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CdkLanguage {
    Python,
    /// TypeScript or JavaScript; also what an app in another language, or
    /// one whose `cdk.json` cannot be found or read, is given (its fixes are
    /// closest to the TypeScript ones).
    TypeScript,
}

impl CdkLanguage {
    /// The fenced-code language tag (`python`, `typescript`).
    pub fn as_str(self) -> &'static str {
        match self {
            CdkLanguage::Python => "python",
            CdkLanguage::TypeScript => "typescript",
        }
    }

    /// The language's name, for people (`Python`, `TypeScript`).
    pub fn name(self) -> &'static str {
        match self {
            CdkLanguage::Python => "Python",
            CdkLanguage::TypeScript => "TypeScript",
        }
    }
}

/// The language of the app whose assembly is `assembly_dir`: the `app`
/// command of `cdk.json` in the directory that holds the assembly (where
/// `cdk synth` writes `cdk.out` by default) says how the app is run.
pub fn language_of(assembly_dir: &Path) -> CdkLanguage {
    let Some(app_dir) = assembly_dir.parent() else {
        return CdkLanguage::TypeScript;
    };
    let cdk_json = if app_dir.as_os_str().is_empty() {
        Path::new("cdk.json").to_path_buf()
    } else {
        app_dir.join("cdk.json")
    };
    // a cdk.json is a few hundred bytes; anything large is not one
    match moat_source::input::read_text_limited(&cdk_json, 1024 * 1024) {
        Ok(text) => language_of_cdk_json(&text),
        Err(_) => CdkLanguage::TypeScript,
    }
}

/// The language the `app` command of a `cdk.json` runs.
pub fn language_of_cdk_json(json: &str) -> CdkLanguage {
    let file = SourceFile::new("cdk.json", json);
    let app = moat_source::node::parse(&file)
        .ok()
        .and_then(|root| get(&root, "app").and_then(text));
    match app {
        Some(command) if runs_python(&command) => CdkLanguage::Python,
        _ => CdkLanguage::TypeScript,
    }
}

/// Whether an app command runs Python: `python3 app.py`,
/// `.venv/bin/python app.py`, `py app.py`, `poetry run python app.py`,
/// `pipenv run python3 -m app`, `uv run app.py`.
fn runs_python(command: &str) -> bool {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, '&' | ';' | '|' | '"' | '\''))
        .filter(|w| !w.is_empty())
        .any(|word| {
            let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
            let name = name.strip_suffix(".exe").unwrap_or(name);
            name == "py"
                || name.ends_with(".py")
                || (name.starts_with("python")
                    && name["python".len()..]
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_command_tells_the_language() {
        for (app, language) in [
            ("python3 app.py", CdkLanguage::Python),
            ("python app.py", CdkLanguage::Python),
            ("python3.12 app.py", CdkLanguage::Python),
            (".venv/bin/python app.py", CdkLanguage::Python),
            ("py app.py", CdkLanguage::Python),
            ("poetry run python app.py", CdkLanguage::Python),
            ("uv run app.py", CdkLanguage::Python),
            (
                "npx ts-node --prefer-ts-exts bin/app.ts",
                CdkLanguage::TypeScript,
            ),
            ("node bin/app.js", CdkLanguage::TypeScript),
            ("npx tsx bin/python-tools.ts", CdkLanguage::TypeScript),
            ("mvn -e -q compile exec:java", CdkLanguage::TypeScript),
            ("go mod download && go run app.go", CdkLanguage::TypeScript),
        ] {
            let json = format!("{{\"app\": {app:?}}}");
            assert_eq!(language_of_cdk_json(&json), language, "{app}");
        }
        assert_eq!(language_of_cdk_json("{}"), CdkLanguage::TypeScript);
        assert_eq!(language_of_cdk_json("not json"), CdkLanguage::TypeScript);
    }
}

#[cfg(test)]
mod environment_tests {
    use super::environment_params;

    #[test]
    fn an_environment_fixes_what_it_names() {
        let both = environment_params("aws://123456789012/eu-west-1");
        assert_eq!(both["AWS::AccountId"], "123456789012");
        assert_eq!(both["AWS::Region"], "eu-west-1");
        assert!(environment_params("aws://unknown-account/unknown-region").is_empty());
        let region_only = environment_params("aws://unknown-account/us-east-2");
        assert_eq!(region_only.len(), 1);
        assert_eq!(region_only["AWS::Region"], "us-east-2");
        assert!(environment_params("aws://${AWS::AccountId}/x").len() <= 1);
        assert!(environment_params("not-an-environment").is_empty());
    }
}
