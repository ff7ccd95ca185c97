using LvsLab.Director.Sync;
using LvsLab.Packets;
using Xunit;

namespace LvsLab.Director.Tests.Sync;

/// <summary>Writing version 1 messages: byte-identical to the golden vectors, round trips, batching.</summary>
public class SyncMessageWriterTests
{
    private static byte[] WriteOne(byte syncId, params SyncEntry[] entries)
    {
        IReadOnlyList<byte[]> messages = SyncMessageWriter.WriteMessages(entries, syncId);
        return Assert.Single(messages);
    }

    private static List<SyncEntry> ReadAll(byte[] datagram)
    {
        Assert.True(SyncMessage.TryRead(datagram, out SyncMessage message, out SyncMessageError error), error.ToString());
        var entries = new List<SyncEntry>();
        foreach (SyncEntry entry in message)
        {
            entries.Add(entry);
        }

        return entries;
    }

    [Fact]
    public void TheWriterProducesTheGoldenVectorsByteForByte()
    {
        Assert.Equal(Convert.ToHexString(SyncVectors.OneTcpDirectRoute), Convert.ToHexString(WriteOne(1, SyncVectors.OneTcpDirectRouteEntry)));
        Assert.Equal(
            Convert.ToHexString(SyncVectors.UdpNatWithTemplate),
            Convert.ToHexString(WriteOne(7, SyncVectors.UdpNatEntry, SyncVectors.UdpNatTemplateEntry)));
        Assert.Equal(
            Convert.ToHexString(SyncVectors.SequenceOptionAndPadding),
            Convert.ToHexString(WriteOne(1, SyncVectors.SequenceEntry, SyncVectors.SequenceNextEntry)));
        Assert.Equal(Convert.ToHexString(SyncVectors.PersistenceEngineData), Convert.ToHexString(WriteOne(2, SyncVectors.PersistenceEngineEntry)));
    }

    [Fact]
    public void EveryGoldenVectorSurvivesReadThenWrite()
    {
        foreach ((byte[] vector, byte syncId) in new[]
        {
            (SyncVectors.OneTcpDirectRoute, (byte)1),
            (SyncVectors.UdpNatWithTemplate, (byte)7),
            (SyncVectors.SequenceOptionAndPadding, (byte)1),
            (SyncVectors.PersistenceEngineData, (byte)2),
        })
        {
            Assert.Equal(vector, WriteOne(syncId, [.. ReadAll(vector)]));
        }
    }

    [Fact]
    public void EntriesOfEveryShapeRoundTrip()
    {
        var random = new Random(20240611);
        var entries = new SyncEntry[500];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = RandomEntry(random);
        }

        var read = new List<SyncEntry>();
        foreach (byte[] message in SyncMessageWriter.WriteMessages(entries, 9))
        {
            Assert.Equal(9, message[1]);
            read.AddRange(ReadAll(message));
        }

        Assert.Equal(entries.Length, read.Count);
        for (int i = 0; i < entries.Length; i++)
        {
            Assert.Equal(entries[i].PersistenceData.ToArray(), read[i].PersistenceData.ToArray());
            Assert.Equal(entries[i] with { PersistenceData = default }, read[i] with { PersistenceData = default });
        }
    }

    [Fact]
    public void MessagesSplitAtTheDefaultSizeLimit()
    {
        // 36-byte entries: 40 fit in 1472 bytes (8 + 40 × 36 = 1448), a 41st would not (1484).
        SyncEntry[] entries = Many(100, SyncVectors.OneTcpDirectRouteEntry);
        IReadOnlyList<byte[]> messages = SyncMessageWriter.WriteMessages(entries, 1);
        Assert.Equal([1448, 1448, 8 + (20 * 36)], messages.Select(m => m.Length));
        Assert.Equal([40, 40, 20], messages.Select(m => (int)m[4]));
        Assert.All(messages, m => Assert.True(m.Length <= SyncWire.DefaultMaxPayload));
        Assert.Equal(SyncWire.DefaultMaxPayload, 1472);
    }

    [Fact]
    public void MessagesSplitAtTheSizeLimitCountingThePadding()
    {
        // 62-byte entries take 64 with their padding, the last 62: 8 + 5 × 64 + 62 = 390 fits 400.
        SyncEntry[] entries = Many(13, SyncVectors.SequenceEntry);
        IReadOnlyList<byte[]> messages = SyncMessageWriter.WriteMessages(entries, 1, maxPayload: 400);
        Assert.Equal([6, 6, 1], messages.Select(m => (int)m[4]));
        Assert.Equal([390, 390, 70], messages.Select(m => m.Length));
    }

    [Fact]
    public void MessagesSplitAt255Entries()
    {
        SyncEntry[] entries = Many(600, SyncVectors.OneTcpDirectRouteEntry);
        IReadOnlyList<byte[]> messages = SyncMessageWriter.WriteMessages(entries, 1, SyncWire.MaxPayloadLimit);
        Assert.Equal([255, 255, 90], messages.Select(m => (int)m[4]));
        Assert.Equal(8 + (255 * 36), messages[0].Length);
        Assert.Equal(600, messages.Sum(m => ReadAll(m).Count));
    }

    [Fact]
    public void WriteTakesWhatFitsAndSaysHowMany()
    {
        SyncEntry[] entries = Many(3, SyncVectors.OneTcpDirectRouteEntry);
        Span<byte> buffer = stackalloc byte[SyncWire.MinMaxPayload];
        int length = SyncMessageWriter.Write(entries, 3, buffer, out int written, SyncWire.MinMaxPayload);
        Assert.Equal(3, written);
        Assert.Equal(8 + (3 * 36), length);
        Assert.Equal(0, SyncMessageWriter.Write([], 3, buffer, out written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void InvalidArgumentsAreRefused()
    {
        SyncEntry[] one = [SyncVectors.OneTcpDirectRouteEntry];
        byte[] buffer = new byte[2000];
        Assert.Throws<ArgumentOutOfRangeException>(() => SyncMessageWriter.Write(one, 1, buffer, out _, SyncWire.MinMaxPayload - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyncMessageWriter.WriteMessages(one, 1, SyncWire.MaxPayloadLimit + 1));
        Assert.Throws<ArgumentException>(() => SyncMessageWriter.Write(one, 1, new byte[40], out _));
        Assert.Throws<ArgumentException>(() => SyncMessageWriter.EntryLength(SyncVectors.OneTcpDirectRouteEntry with { PersistenceData = new byte[256] }));
        Assert.Throws<ArgumentException>(() => SyncMessageWriter.EntryLength(SyncVectors.OneTcpDirectRouteEntry with { PersistenceEngine = "sip" }));
        Assert.Throws<ArgumentException>(() => SyncMessageWriter.EntryLength(SyncVectors.PersistenceEngineEntry with { PersistenceEngine = new string('x', 17) }));
        Assert.Throws<ArgumentException>(() => SyncMessageWriter.EntryLength(SyncVectors.PersistenceEngineEntry with { PersistenceEngine = "sïp" }));
        Assert.Equal(SyncWire.MaxEntryLength, SyncMessageWriter.EntryLength(SyncVectors.SequenceEntry with
        {
            PersistenceData = new byte[255],
            PersistenceEngine = new string('x', 16),
        }));
    }

    private static SyncEntry[] Many(int count, SyncEntry template)
    {
        var entries = new SyncEntry[count];
        for (int i = 0; i < count; i++)
        {
            entries[i] = template with { ClientPort = (ushort)(1024 + i) };
        }

        return entries;
    }

    internal static SyncEntry RandomEntry(Random random)
    {
        uint U32() => (uint)random.NextInt64(0, 1L << 32);
        ushort U16() => (ushort)random.Next(0, 65536);
        var entry = new SyncEntry
        {
            Protocol = (byte)random.Next(0, 256),
            Flags = (SyncFlags)U32(),
            State = U16(),
            ClientAddress = new Ipv4Address(U32()),
            ClientPort = U16(),
            VirtualAddress = new Ipv4Address(U32()),
            VirtualPort = U16(),
            DestinationAddress = new Ipv4Address(U32()),
            DestinationPort = U16(),
            FirewallMark = U32(),
            TimeoutSeconds = U32(),
        };
        if (random.Next(3) == 0)
        {
            entry = entry with { Sequences = new SyncSequences(new SyncSequence(U32(), U32(), U32()), new SyncSequence(U32(), U32(), U32())) };
        }

        if (random.Next(4) == 0)
        {
            byte[] data = new byte[random.Next(1, 256)];
            random.NextBytes(data);
            entry = entry with { PersistenceData = data };
            if (random.Next(2) == 0)
            {
                entry = entry with { PersistenceEngine = new string('e', random.Next(1, 17)) };
            }
        }

        return entry;
    }
}
