//! Bounded-concurrency application of per-item operations (`--concurrency`): at most
//! `limit` operations in flight, one result per item, in the items' order. A failed item
//! never stops the others; what a failure means is the operation's business.

use futures::stream::{self, StreamExt};
use std::future::Future;

/// Runs `op` on every item with at most `limit` in flight (at least one), and returns the
/// results in item order.
pub async fn run_bounded<'a, T, R, F, Fut>(items: &'a [T], limit: usize, op: F) -> Vec<R>
where
    T: Sync,
    F: Fn(usize, &'a T) -> Fut,
    Fut: Future<Output = R> + 'a,
{
    // The futures are created up front (they are lazy: nothing runs until polled), so
    // the stream holds no closure: that keeps the whole future `Send` for async traits.
    let futures: Vec<Fut> = items
        .iter()
        .enumerate()
        .map(|(i, item)| op(i, item))
        .collect();
    stream::iter(futures).buffered(limit.max(1)).collect().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn keeps_order_and_bounds_parallelism() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<u64> = (0..20).collect();
        let out = run_bounded(&items, 3, |i, &n| {
            let (in_flight, peak) = (&in_flight, &peak);
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Later items finish first: order must still follow the input.
                tokio::time::sleep(Duration::from_millis(20 - n)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                if n == 5 {
                    Err(format!("item {i} failed"))
                } else {
                    Ok(n * 2)
                }
            }
        })
        .await;
        assert_eq!(out.len(), 20);
        assert_eq!(out[4], Ok(8));
        assert_eq!(out[5], Err("item 5 failed".to_string()));
        assert_eq!(out[19], Ok(38));
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }
}
