//! The server: the `initialize` handshake, the open documents, and the main
//! loop. Requests are answered on the main thread from what the last review
//! left; reviews run on one worker thread, a document's next one only after
//! its text has rested for [`Settings::debounce`], so a burst of keystrokes
//! costs one review and answers never wait for one.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CompletionOptions, CompletionParams, CompletionResponse, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, OneOf, PositionEncodingKind, PublishDiagnosticsParams, ReferenceParams,
    SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::analysis::{Analysed, review_document};
use super::document::{Document, Encoding};
use super::index::Index;
use super::{View, actions, completion, diagnostics, hover, navigation};
use crate::files::has_components_key;

/// How the server runs.
pub struct Settings {
    /// Today's date as `YYYY-MM-DD`, asked at each review: `allow:` entries
    /// with an earlier `until` have lapsed.
    pub today: Box<dyn Fn() -> String + Send>,
    /// How long a document's text must rest before it is reviewed again.
    pub debounce: Duration,
}

/// Serves one client until it says `exit` or goes away. The error is a
/// broken protocol (no `initialize`, a closed channel).
pub fn run(connection: &Connection, settings: Settings) -> Result<(), String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|error| format!("no initialize request: {error}"))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "blueprint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    send(connection, Response::new_ok(id, result))?;

    let (jobs, worker_jobs) = crossbeam_channel::unbounded::<Job>();
    let (worker_results, results) = crossbeam_channel::unbounded::<Outcome>();
    let today = settings.today;
    let worker = thread::Builder::new()
        .name("blueprint-review".to_string())
        .spawn(move || review_jobs(&worker_jobs, &worker_results, &*today))
        .map_err(|error| format!("cannot start the review thread: {error}"))?;
    let mut server = Server {
        connection,
        encoding,
        debounce: settings.debounce,
        documents: BTreeMap::new(),
        openings: 0,
        jobs,
        shutting_down: false,
    };
    let outcome = server.serve(&results);
    drop(server);
    let _ = worker.join();
    outcome
}

/// UTF-8 columns when the client offers them (no conversion needed),
/// otherwise the protocol's UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(encodings) if encodings.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".to_string()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

fn send(connection: &Connection, message: impl Into<Message>) -> Result<(), String> {
    connection
        .sender
        .send(message.into())
        .map_err(|_| "the client has gone".to_string())
}

/// A review to run: one version of one document.
struct Job {
    uri: Uri,
    /// Which opening of the document (a document closed and opened again
    /// starts its versions again).
    opening: u64,
    version: i32,
    text: String,
    path: Option<PathBuf>,
}

struct Outcome {
    uri: Uri,
    opening: u64,
    /// `None` when the review panicked (a bug): the document keeps its last
    /// findings rather than the server going down.
    analysed: Option<Analysed>,
}

/// The worker: reviews documents one after another until the server goes.
fn review_jobs(jobs: &Receiver<Job>, results: &Sender<Outcome>, today: &dyn Fn() -> String) {
    for job in jobs {
        let analysed = catch_unwind(AssertUnwindSafe(|| {
            review_document(&job.text, job.version, job.path.as_deref(), today())
        }))
        .ok();
        let outcome = Outcome {
            uri: job.uri,
            opening: job.opening,
            analysed,
        };
        if results.send(outcome).is_err() {
            return;
        }
    }
}

/// One open document and what its reviews left.
struct Open {
    uri: Uri,
    opening: u64,
    document: Document,
    path: Option<PathBuf>,
    /// The most recent review, of whichever version.
    latest: Option<Arc<Analysed>>,
    /// The most recent review whose text read (for names while typing).
    last_read: Option<Arc<Analysed>>,
    /// The most recent review that checked the design (for figures).
    last_checked: Option<Arc<Analysed>>,
    /// The names of the current text when no review of it has come yet.
    fresh_index: Option<(i32, Option<Index>)>,
    /// When the text is to be reviewed next.
    due: Option<Instant>,
    /// A review of this document is running.
    reviewing: bool,
}

impl Open {
    fn current(&self) -> Option<&Analysed> {
        self.latest
            .as_deref()
            .filter(|a| a.version == self.document.version)
    }

    /// Reads the names of the current text when no review of it has come.
    fn refresh_index(&mut self) {
        let version = self.document.version;
        if self.current().is_none() && self.fresh_index.as_ref().is_none_or(|(v, _)| *v != version)
        {
            self.fresh_index = Some((version, Index::read(&self.document.text)));
        }
    }
}

struct Server<'a> {
    connection: &'a Connection,
    encoding: Encoding,
    debounce: Duration,
    documents: BTreeMap<String, Open>,
    /// How many documents have been opened.
    openings: u64,
    jobs: Sender<Job>,
    shutting_down: bool,
}

impl Server<'_> {
    fn serve(&mut self, results: &Receiver<Outcome>) -> Result<(), String> {
        loop {
            self.start_due_reviews();
            let wait = self
                .documents
                .values()
                .filter(|open| !open.reviewing)
                .filter_map(|open| open.due)
                .min()
                .map_or(Duration::from_secs(3600), |due| {
                    due.saturating_duration_since(Instant::now())
                });
            select! {
                recv(self.connection.receiver) -> message => match message {
                    Ok(Message::Notification(notification)) if notification.method == "exit" => {
                        return match self.shutting_down {
                            true => Ok(()),
                            false => Err("the client said `exit` before `shutdown`".to_string()),
                        };
                    }
                    Ok(message) => self.handle(message)?,
                    Err(_) => return Err("the client closed the connection without `exit`".to_string()),
                },
                recv(results) -> outcome => {
                    if let Ok(outcome) = outcome {
                        self.reviewed(outcome)?;
                    }
                }
                default(wait) => {}
            }
        }
    }

    fn start_due_reviews(&mut self) {
        let now = Instant::now();
        for open in self.documents.values_mut() {
            if open.reviewing || open.due.is_none_or(|due| due > now) {
                continue;
            }
            let job = Job {
                uri: open.uri.clone(),
                opening: open.opening,
                version: open.document.version,
                text: open.document.text.clone(),
                path: open.path.clone(),
            };
            if self.jobs.send(job).is_ok() {
                open.reviewing = true;
                open.due = None;
            }
        }
    }

    /// Keeps a review and, when it is of the current text, publishes its
    /// findings.
    fn reviewed(&mut self, outcome: Outcome) -> Result<(), String> {
        let Some(open) = self
            .documents
            .get_mut(outcome.uri.as_str())
            .filter(|open| open.opening == outcome.opening)
        else {
            return Ok(());
        };
        open.reviewing = false;
        let Some(analysed) = outcome.analysed else {
            return Ok(());
        };
        let analysed = Arc::new(analysed);
        if analysed.index.is_some() {
            open.last_read = Some(analysed.clone());
        }
        if analysed.model.is_some() {
            open.last_checked = Some(analysed.clone());
        }
        open.latest = Some(analysed.clone());
        if analysed.version != open.document.version {
            return Ok(());
        }
        // Editors start the server for every YAML file: only designs, found
        // as `check` finds them in folders, get findings.
        let design = has_components_key(&open.document.text);
        let findings = match design {
            true => analysed.diagnostics.as_slice(),
            false => &[],
        };
        let mut params = diagnostics::publish(&open.uri, &open.document, self.encoding, findings);
        if let Some(error) = analysed.configuration_error.as_ref().filter(|_| design) {
            params.diagnostics.insert(
                0,
                lsp_types::Diagnostic {
                    severity: Some(DiagnosticSeverity::ERROR),
                    source: Some("blueprint".to_string()),
                    message: format!(
                        "{error}\nhelp: fix the configuration; until then the default rules run"
                    ),
                    ..lsp_types::Diagnostic::default()
                },
            );
        }
        notify::<PublishDiagnostics>(self.connection, params)
    }

    fn handle(&mut self, message: Message) -> Result<(), String> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let response = match catch_unwind(AssertUnwindSafe(|| self.answer(request))) {
                    Ok(response) => response,
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        "blueprint failed on this request (a bug: please report it)".to_string(),
                    ),
                };
                send(self.connection, response)
            }
            Message::Notification(notification) => {
                self.notified(notification);
                Ok(())
            }
            Message::Response(_) => Ok(()),
        }
    }

    fn notified(&mut self, notification: Notification) {
        let now = Instant::now();
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = parse::<DidOpenTextDocumentParams>(notification.params) else {
                    return;
                };
                let document = params.text_document;
                self.openings += 1;
                self.documents.insert(
                    document.uri.as_str().to_string(),
                    Open {
                        path: file_path(&document.uri),
                        uri: document.uri,
                        opening: self.openings,
                        document: Document::new(document.text, document.version),
                        latest: None,
                        last_read: None,
                        last_checked: None,
                        fresh_index: None,
                        due: Some(now),
                        reviewing: false,
                    },
                );
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = parse::<DidChangeTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(open) = self.documents.get_mut(params.text_document.uri.as_str()) {
                    open.document.apply(
                        params.content_changes,
                        params.text_document.version,
                        self.encoding,
                    );
                    open.due = Some(now + self.debounce);
                }
            }
            DidSaveTextDocument::METHOD => {
                // A save is when a changed blueprint.toml is looked at again.
                let Ok(params) = parse::<DidSaveTextDocumentParams>(notification.params) else {
                    return;
                };
                if let Some(open) = self.documents.get_mut(params.text_document.uri.as_str()) {
                    open.due = Some(now);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = parse::<DidCloseTextDocumentParams>(notification.params) else {
                    return;
                };
                let uri = params.text_document.uri;
                if self.documents.remove(uri.as_str()).is_some() {
                    let _ = notify::<PublishDiagnostics>(
                        self.connection,
                        PublishDiagnosticsParams {
                            uri,
                            diagnostics: Vec::new(),
                            version: None,
                        },
                    );
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        if self.shutting_down {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".to_string(),
            );
        }
        let encoding = self.encoding;
        let params = request.params;
        match request.method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                Response::new_ok(id, ())
            }
            HoverRequest::METHOD => self.reply::<HoverParams, _>(id, params, |open, p| {
                let position = p.text_document_position_params;
                with_view(open, encoding, &position.text_document.uri, |view| {
                    hover::hover(view, view.document.offset(position.position, encoding))
                })
            }),
            Completion::METHOD => self.reply::<CompletionParams, _>(id, params, |open, p| {
                let position = p.text_document_position;
                with_view(open, encoding, &position.text_document.uri, |view| {
                    let offset = view.document.offset(position.position, encoding);
                    CompletionResponse::Array(completion::complete(view, offset))
                })
            }),
            GotoDefinition::METHOD => {
                self.reply::<GotoDefinitionParams, _>(id, params, |open, p| {
                    let position = p.text_document_position_params;
                    with_view(open, encoding, &position.text_document.uri, |view| {
                        let offset = view.document.offset(position.position, encoding);
                        navigation::definition(view, offset).map(GotoDefinitionResponse::Scalar)
                    })
                    .flatten()
                })
            }
            References::METHOD => self.reply::<ReferenceParams, _>(id, params, |open, p| {
                let position = p.text_document_position;
                let declaration = p.context.include_declaration;
                with_view(open, encoding, &position.text_document.uri, |view| {
                    let offset = view.document.offset(position.position, encoding);
                    navigation::references(view, offset, declaration)
                })
            }),
            DocumentSymbolRequest::METHOD => {
                self.reply::<DocumentSymbolParams, _>(id, params, |open, p| {
                    with_view(open, encoding, &p.text_document.uri, |view| {
                        DocumentSymbolResponse::Nested(navigation::symbols(view))
                    })
                })
            }
            CodeActionRequest::METHOD => {
                self.reply::<CodeActionParams, _>(id, params, |open, p| {
                    with_view(open, encoding, &p.text_document.uri, |view| {
                        let start = view.document.offset(p.range.start, encoding);
                        let end = view.document.offset(p.range.end, encoding);
                        actions::allow_actions(view, start..end.max(start))
                    })
                })
            }
            method => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("blueprint does not answer `{method}`"),
            ),
        }
    }

    /// Parses a request's parameters and answers with `answer`'s result
    /// (`null` for a document that is not open).
    fn reply<P: DeserializeOwned, R: Serialize>(
        &mut self,
        id: lsp_server::RequestId,
        params: serde_json::Value,
        answer: impl FnOnce(&mut BTreeMap<String, Open>, P) -> Option<R>,
    ) -> Response {
        match parse::<P>(params) {
            Ok(params) => Response::new_ok(id, answer(&mut self.documents, params)),
            Err(error) => Response::new_err(id, ErrorCode::InvalidParams as i32, error),
        }
    }
}

/// Runs `feature` on the view of the open document `uri`.
fn with_view<R>(
    documents: &mut BTreeMap<String, Open>,
    encoding: Encoding,
    uri: &Uri,
    feature: impl FnOnce(&View) -> R,
) -> Option<R> {
    let open = documents.get_mut(uri.as_str())?;
    open.refresh_index();
    let open = &*open;
    let index = match open.current() {
        Some(current) => current.index.as_ref(),
        None => open
            .fresh_index
            .as_ref()
            .and_then(|(_, index)| index.as_ref()),
    };
    let view = View {
        uri: &open.uri,
        document: &open.document,
        encoding,
        index,
        names: index.or(open.last_read.as_deref().and_then(|a| a.index.as_ref())),
        model: open.last_checked.as_deref().and_then(|checked| {
            let stale = checked.version != open.document.version;
            checked.model.as_ref().map(|model| (model, stale))
        }),
        findings: open.current().map(|current| current.diagnostics.as_slice()),
    };
    Some(feature(&view))
}

fn parse<P: DeserializeOwned>(params: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|error| format!("invalid parameters: {error}"))
}

fn notify<N: lsp_types::notification::Notification>(
    connection: &Connection,
    params: N::Params,
) -> Result<(), String> {
    send(connection, Notification::new(N::METHOD.to_string(), params))
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes
/// (an unsaved buffer has no folder to find a `blueprint.toml` from).
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let path = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(path.len());
    let mut input = path.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let digits = [input.next()?, input.next()?];
            let hex = std::str::from_utf8(&digits).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    // `file:///C:/designs` on Windows.
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => &path[1..],
        _ => &path,
    };
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_paths() {
        let uri: Uri = "file:///home/ann/my%20designs/caf%C3%A9.yaml"
            .parse()
            .unwrap();
        assert_eq!(
            file_path(&uri),
            Some(PathBuf::from("/home/ann/my designs/café.yaml"))
        );
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(file_path(&untitled), None);
        let not_utf8: Uri = "file:///a%C3.yaml".parse().unwrap();
        assert_eq!(file_path(&not_utf8), None);
    }
}
