using System.Runtime.CompilerServices;
using LvsLab.Director.Connections;
using LvsLab.Packets;

namespace LvsLab.Benchmarks;

/// <summary>
/// Memory per connection, measured (<c>--memory</c>): fills a table with 1,000,000 DR
/// connections, then another with 1,000,000 NAT connections, and prints the heap's growth
/// (<see cref="GC.GetTotalMemory(bool)"/> after full collections, before and after) and what
/// the filling allocated in all (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, which
/// includes the storage left behind as the array and the dictionaries grew). For reference, the
/// same for the two unbounded dictionaries the table used before it had a capacity.
/// </summary>
internal static class ConnectionTableMemory
{
    private const int Connections = 1_000_000;

    /// <summary>Measures and prints.</summary>
    public static void Run()
    {
        Console.WriteLine($"ConnectionKey {Unsafe.SizeOf<ConnectionKey>()} B, ConnectionEntry {Unsafe.SizeOf<ConnectionEntry>()} B, ReplyKey {Unsafe.SizeOf<ReplyKey>()} B");
        Console.WriteLine($"{Connections:N0} connections, table capacity {ConnectionTable.DefaultCapacity:N0}:");
        Measure("ConnectionTable, DR", () => Fill(masqueraded: false));
        Measure("ConnectionTable, NAT", () => Fill(masqueraded: true));
        Measure("before: Dictionary<ConnectionKey, ConnectionEntry>, DR", () => FillDictionaries(masqueraded: false));
        Measure("before: the same + Dictionary<ReplyKey, ConnectionKey>, NAT", () => FillDictionaries(masqueraded: true));
    }

    private static void Measure(string what, Func<object> fill)
    {
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        object filled = fill();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long heap = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        GC.KeepAlive(filled);
        Console.WriteLine(
            $"  {what,-62} held {heap / (double)Connections,6:F1} B/connection ({heap / 1e6:F1} MB), allocated while filling {allocated / (double)Connections,6:F1} B/connection");
    }

    private static ConnectionTable Fill(bool masqueraded)
    {
        var table = new ConnectionTable();
        table.ReserveCounts(0, DrLab.RealServerIps.Length);
        for (int i = 0; i < Connections; i++)
        {
            int server = SyntheticConnections.Server(i);
            if (masqueraded)
            {
                table.CreateMasqueraded(SyntheticConnections.Key(i), 0, server, DrLab.RealServerIps[server], 80, TcpFlags.Syn, DrLab.Now);
            }
            else
            {
                table.Create(SyntheticConnections.Key(i), 0, server, TcpFlags.Syn, DrLab.Now);
            }
        }

        Check(table.Count == Connections && table.ReplyKeyCount == (masqueraded ? Connections : 0) && table.Evicted == 0, "every connection held");
        return table;
    }

    private static object FillDictionaries(bool masqueraded)
    {
        var entries = new Dictionary<ConnectionKey, ConnectionEntry>();
        var replies = new Dictionary<ReplyKey, ConnectionKey>();
        for (int i = 0; i < Connections; i++)
        {
            ConnectionKey key = SyntheticConnections.Key(i);
            int server = SyntheticConnections.Server(i);
            var entry = new ConnectionEntry(0, server, ConnectionState.SynReceived, DrLab.Now, DrLab.Now + 120_000, 1);
            if (masqueraded)
            {
                entry = entry with { IsMasqueraded = true, RealServerAddress = DrLab.RealServerIps[server], RealServerPort = 80 };
                replies[ReplyKey.For(key, DrLab.RealServerIps[server], 80)] = key;
            }

            entries[key] = entry;
        }

        return (entries, replies);
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"memory measurement: {what} failed");
        }
    }
}
