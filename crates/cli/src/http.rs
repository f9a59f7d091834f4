//! A minimal keep-alive HTTP/1 client on one connection, for the benchmarks: the load
//! generator shares the machine with the server, so it must cost little.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;

pub struct Conn {
    tx: SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (tx, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn { tx })
    }

    /// Sends a request and returns (status, body).
    pub async fn send(&mut self, method: &str, path: &str, bearer: Option<&str>, body: Option<&[u8]>) -> anyhow::Result<(u16, Bytes)> {
        let mut req = Request::builder().method(method).uri(path).header("host", "127.0.0.1");
        if let Some(t) = bearer {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(Full::new(Bytes::copy_from_slice(body.unwrap_or_default())))?;
        self.tx.ready().await?;
        let res = self.tx.send_request(req).await?;
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }
}
