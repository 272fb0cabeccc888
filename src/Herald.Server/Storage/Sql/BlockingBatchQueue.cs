namespace Herald.Server.Storage.Sql;

/// <summary>
/// A queue between many producers and one consumer thread that takes everything waiting at once. The consumer
/// blocks in the kernel when there is nothing to do, and a producer wakes it directly: no thread-pool hop between
/// a request and the writer, which on two cores was a visible share of ingest.
/// </summary>
internal sealed class BlockingBatchQueue<T>
{
    private readonly Queue<T> items = new();
    private bool completed;

    /// <summary>Adds an item; false once <see cref="Complete"/> was called.</summary>
    public bool TryAdd(T item)
    {
        lock (items)
        {
            if (completed)
            {
                return false;
            }

            items.Enqueue(item);
            if (items.Count == 1)
            {
                // The consumer only ever waits on an empty queue.
                Monitor.Pulse(items);
            }

            return true;
        }
    }

    /// <summary>
    /// Waits for at least one item and moves up to <paramref name="max"/> of them into <paramref name="batch"/>;
    /// false when the queue is completed and empty.
    /// </summary>
    public bool TakeBatch(List<T> batch, int max)
    {
        lock (items)
        {
            while (items.Count == 0)
            {
                if (completed)
                {
                    return false;
                }

                Monitor.Wait(items);
            }

            while (batch.Count < max && items.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            return true;
        }
    }

    /// <summary>Refuses new items; the consumer still takes what is queued.</summary>
    public void Complete()
    {
        lock (items)
        {
            completed = true;
            Monitor.PulseAll(items);
        }
    }
}
