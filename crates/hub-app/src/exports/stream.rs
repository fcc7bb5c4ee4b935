//! The body of a download: chunks of bytes sent through a bounded channel as the export is
//! written, so a slow client slows the export down instead of filling memory, and a client that
//! leaves stops it.

use std::future::Future;
use std::io::Write;

use hub_export::{ExportFormat, Writer};
use tokio::sync::mpsc;

use crate::error::AppError;

/// Chunks in flight between the export and the client.
const CHANNEL_CHUNKS: usize = 8;
/// How many bytes the blocking XLSX writer gathers before it sends them.
const XLSX_CHUNK: usize = 256 * 1024;

type Chunk = Result<Vec<u8>, AppError>;

/// An export on its way: a file name, a media type and the bytes.
#[derive(Debug)]
pub struct Download {
    /// The file name for `Content-Disposition`.
    pub filename: String,
    pub content_type: &'static str,
    pub body: Body,
}

/// The bytes of a download, in chunks; an `Err` chunk ends a download that failed half-way.
#[derive(Debug)]
pub struct Body(mpsc::Receiver<Chunk>);

impl Body {
    /// The next chunk, or `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Chunk> {
        self.0.recv().await
    }

    /// Every chunk, collected (tests and small downloads).
    pub async fn collect(mut self) -> Result<Vec<u8>, AppError> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next_chunk().await {
            out.extend(chunk?);
        }
        Ok(out)
    }
}

/// The client went away: stop writing.
#[derive(Debug)]
pub(crate) struct Gone;

impl From<Gone> for AppError {
    fn from(_: Gone) -> Self {
        AppError::internal("the client left before the export was complete")
    }
}

/// Where an export producer sends what it has written.
#[derive(Debug, Clone)]
pub(crate) struct Chunks(mpsc::Sender<Chunk>);

impl Chunks {
    /// Sends what `writer` has ready (CSV and JSON; XLSX waits for the end).
    pub(crate) async fn flush(&self, writer: &mut Writer) -> Result<(), Gone> {
        let bytes = writer.take();
        if bytes.is_empty() {
            return Ok(());
        }
        self.0.send(Ok(bytes)).await.map_err(|_| Gone)
    }
}

/// A blocking writer into the channel, for the XLSX workbook's assembly.
struct BlockingChunks {
    tx: mpsc::Sender<Chunk>,
    buffer: Vec<u8>,
}

impl BlockingChunks {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.buffer);
        self.tx
            .blocking_send(Ok(bytes))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl Write for BlockingChunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= XLSX_CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Runs `produce` in a task of its own and streams what it writes as the body of a download.
pub(crate) fn start<F, Fut>(format: ExportFormat, filename: String, produce: F) -> Download
where
    F: FnOnce(Writer, Chunks) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Writer, AppError>> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let chunks = Chunks(tx.clone());
    tokio::spawn(async move {
        let outcome = async {
            let mut writer = produce(Writer::new(format), chunks.clone()).await?;
            writer.end().map_err(AppError::internal)?;
            chunks.flush(&mut writer).await?;
            if let Some(workbook) = writer.into_workbook().map_err(AppError::internal)? {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let mut out = BlockingChunks {
                        tx,
                        buffer: Vec::new(),
                    };
                    hub_export::writer::save(workbook, &mut out)
                        .and_then(|()| out.flush().map_err(Into::into))
                })
                .await
                .map_err(AppError::internal)?
                .map_err(AppError::internal)?;
            }
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(error) = outcome {
            tracing::warn!(%error, "export stopped");
            let _ = tx.send(Err(error)).await;
        }
    });
    Download {
        filename,
        content_type: format.content_type(),
        body: Body(rx),
    }
}
