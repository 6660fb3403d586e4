using System.Threading.Channels;
using Screening.Protos.V1;

namespace Screening.Selectivity;

/// <summary>
/// Fans ranking updates out to WatchRanking streams. Each watcher has a small bounded
/// buffer: a watcher too slow to keep up loses its oldest updates, never the service's memory.
/// </summary>
internal sealed class RankingFeed
{
    private const int BufferPerWatcher = 256;
    private readonly Lock _gate = new();
    private readonly List<Channel<RankingUpdate>> _watchers = [];

    public ChannelReader<RankingUpdate> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<RankingUpdate>(new BoundedChannelOptions(BufferPerWatcher)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _watchers.Add(channel);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    public bool HasWatchers
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count > 0;
            }
        }
    }

    public void Publish(RankingUpdate update)
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(update);
            }
        }
    }
}
