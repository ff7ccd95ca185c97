using LvsLab.Director.Sync;
using Xunit;

namespace LvsLab.Director.Tests.Sync;

/// <summary>Reading version 1 synchronisation messages: the golden vectors, and every reason to refuse one.</summary>
public class SyncMessageReadTests
{
    private static List<SyncEntry> Read(byte[] datagram, out SyncMessageError error, out int skipped, out byte syncId)
    {
        var entries = new List<SyncEntry>();
        skipped = 0;
        syncId = 0;
        if (SyncMessage.TryRead(datagram, out SyncMessage message, out error))
        {
            skipped = message.SkippedCount;
            syncId = message.SyncId;
            foreach (SyncEntry entry in message)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private static SyncMessageError ErrorOf(byte[] datagram)
    {
        _ = SyncMessage.TryRead(datagram, out _, out SyncMessageError error);
        return error;
    }

    private static void AssertEntry(SyncEntry expected, SyncEntry actual)
    {
        // PersistenceData is memory: compared by content, the rest by value.
        Assert.Equal(expected.PersistenceData.ToArray(), actual.PersistenceData.ToArray());
        Assert.Equal(expected with { PersistenceData = default }, actual with { PersistenceData = default });
    }

    [Fact]
    public void OneTcpDirectRouteEntryReadsFieldByField()
    {
        List<SyncEntry> entries = Read(SyncVectors.OneTcpDirectRoute, out SyncMessageError error, out int skipped, out byte syncId);
        Assert.Equal(SyncMessageError.None, error);
        Assert.Equal(1, syncId);
        Assert.Equal(0, skipped);
        AssertEntry(SyncVectors.OneTcpDirectRouteEntry, Assert.Single(entries));
        Assert.Equal(SyncForwarding.DirectRoute, entries[0].Forwarding);
        Assert.False(entries[0].IsTemplate);
        Assert.False(entries[0].IsInactive);
    }

    [Fact]
    public void UdpNatConnectionAndItsTemplateRead()
    {
        List<SyncEntry> entries = Read(SyncVectors.UdpNatWithTemplate, out SyncMessageError error, out _, out byte syncId);
        Assert.Equal(SyncMessageError.None, error);
        Assert.Equal(7, syncId);
        Assert.Equal(2, entries.Count);
        AssertEntry(SyncVectors.UdpNatEntry, entries[0]);
        AssertEntry(SyncVectors.UdpNatTemplateEntry, entries[1]);
        Assert.Equal(SyncForwarding.Masquerade, entries[1].Forwarding);
        Assert.True(entries[1].IsTemplate);
    }

    [Fact]
    public void SequenceOptionReadsAndPaddingIsSkipped()
    {
        List<SyncEntry> entries = Read(SyncVectors.SequenceOptionAndPadding, out SyncMessageError error, out _, out _);
        Assert.Equal(SyncMessageError.None, error);
        Assert.Equal(2, entries.Count);
        AssertEntry(SyncVectors.SequenceEntry, entries[0]);
        AssertEntry(SyncVectors.SequenceNextEntry, entries[1]);
    }

    [Fact]
    public void PersistenceEngineDataAndNameRead()
    {
        List<SyncEntry> entries = Read(SyncVectors.PersistenceEngineData, out SyncMessageError error, out _, out _);
        Assert.Equal(SyncMessageError.None, error);
        AssertEntry(SyncVectors.PersistenceEngineEntry, Assert.Single(entries));
        Assert.Equal("sip", entries[0].PersistenceEngine);
    }

    [Fact]
    public void Ipv6EntriesAndEntriesWithAnUnknownMandatoryOptionAreSkippedUnknownOptionalOptionsIgnored()
    {
        List<SyncEntry> entries = Read(SyncVectors.SkippedEntries, out SyncMessageError error, out int skipped, out _);
        Assert.Equal(SyncMessageError.None, error);
        Assert.Equal(2, skipped);
        AssertEntry(SyncVectors.SkippedEntriesTaken, Assert.Single(entries));
    }

    [Fact]
    public void AMessageWithNoEntriesIsValidAndEmpty()
    {
        byte[] empty = SyncVectors.Hex("00", "05", "0008", "00", "01", "0000");
        List<SyncEntry> entries = Read(empty, out SyncMessageError error, out _, out byte syncId);
        Assert.Equal(SyncMessageError.None, error);
        Assert.Equal(5, syncId);
        Assert.Empty(entries);
    }

    [Fact]
    public void BytesAfterTheLastCountedEntryAreIgnoredAsTheKernelIgnoresThem()
    {
        byte[] longer = [.. SyncVectors.OneTcpDirectRoute, 0xde, 0xad, 0xbe, 0xef];
        longer[3] = (byte)longer.Length;
        Assert.Single(Read(longer, out SyncMessageError error, out _, out _));
        Assert.Equal(SyncMessageError.None, error);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void ABackupTakesMessagesOfItsSyncIdOrAnyWhenItsIdIsZero(byte backupSyncId, bool taken)
    {
        Assert.True(SyncMessage.TryRead(SyncVectors.OneTcpDirectRoute, out SyncMessage message, out _));
        Assert.Equal(taken, message.IsFor(backupSyncId));
    }

    // ---- Every reason to refuse a message, each from a mutated golden vector ----

    [Fact]
    public void AShortDatagramIsATruncatedHeader()
    {
        Assert.Equal(SyncMessageError.TruncatedHeader, ErrorOf(SyncVectors.OneTcpDirectRoute[..3]));
        Assert.Equal(SyncMessageError.TruncatedHeader, ErrorOf([]));

        // Four to seven bytes with the right size and a zero first byte: a version 1 header cut short.
        Assert.Equal(SyncMessageError.TruncatedHeader, ErrorOf(SyncVectors.Hex("00", "01", "0006", "00", "01")));
    }

    [Fact]
    public void ASizeOtherThanTheDatagramsLengthIsRefused()
    {
        Assert.Equal(SyncMessageError.SizeMismatch, ErrorOf(SyncVectors.OneTcpDirectRoute[..40]));
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[3]++;
        Assert.Equal(SyncMessageError.SizeMismatch, ErrorOf(mutated));
    }

    [Fact]
    public void AVersion0MessageIsRefusedWithItsOwnReason() =>
        Assert.Equal(SyncMessageError.Version0, ErrorOf(SyncVectors.Version0));

    [Theory]
    [InlineData(5, 0x00)] // version 0 in a version 1 header
    [InlineData(5, 0x02)] // version 2
    [InlineData(6, 0x01)] // spare not zero
    [InlineData(7, 0x01)]
    public void AnotherVersionOrANonZeroSpareIsRefused(int offset, byte value)
    {
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[offset] = value;
        Assert.Equal(SyncMessageError.UnsupportedVersion, ErrorOf(mutated));
    }

    [Fact]
    public void ACountPromisingMoreEntriesThanThereAreIsATruncatedEntry()
    {
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[4] = 2;
        Assert.Equal(SyncMessageError.TruncatedEntry, ErrorOf(mutated));
    }

    [Fact]
    public void AnEntryTypeOtherThanIpv4OrIpv6IsUnknown()
    {
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[8] = 2;
        Assert.Equal(SyncMessageError.UnknownEntryType, ErrorOf(mutated));
    }

    [Fact]
    public void AnEntryVersionOtherThan0IsRefused()
    {
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[10] |= 0x10;
        Assert.Equal(SyncMessageError.UnknownEntryVersion, ErrorOf(mutated));
    }

    [Theory]
    [InlineData(35)] // shorter than the fixed part
    [InlineData(0)]
    [InlineData(37)] // past the datagram
    [InlineData(0xfff)]
    public void AnEntrySizeShorterThanItsFixedPartOrPastTheDatagramIsRefused(int size)
    {
        byte[] mutated = (byte[])SyncVectors.OneTcpDirectRoute.Clone();
        mutated[10] = (byte)(size >> 8);
        mutated[11] = (byte)size;
        Assert.Equal(SyncMessageError.BadEntrySize, ErrorOf(mutated));
    }

    [Fact]
    public void AnIpv6EntryShorterThanItsFixedPartIsRefused()
    {
        byte[] mutated = (byte[])SyncVectors.SkippedEntries.Clone();
        mutated[11] = 40;
        Assert.Equal(SyncMessageError.BadEntrySize, ErrorOf(mutated));
    }

    [Fact]
    public void AnOptionRunningPastItsEntryIsAnOverrun()
    {
        // The SEQ option says 24 bytes; the entry is cut to 36 + 2 + 20 (the message with it).
        byte[] mutated = (byte[])SyncVectors.SequenceOptionAndPadding.Clone();
        mutated[11] = 58;
        Assert.Equal(SyncMessageError.OptionOverrun, ErrorOf(mutated));

        // One byte of option header left in the entry.
        byte[] oneByte = (byte[])SyncVectors.SkippedEntries.Clone();
        oneByte[8 + 72 + 3] = 37;
        Assert.Equal(SyncMessageError.OptionOverrun, ErrorOf(oneByte));
    }

    [Fact]
    public void AMalformedOptionIsRefused()
    {
        // A SEQ option of the wrong length (20 bytes in a 62-byte entry: 16 bytes left over).
        byte[] wrongLength = (byte[])SyncVectors.SequenceOptionAndPadding.Clone();
        wrongLength[8 + 37] = 20;
        Assert.Equal(SyncMessageError.BadOption, ErrorOf(wrongLength));

        // Length zero.
        byte[] zero = (byte[])SyncVectors.SkippedEntries.Clone();
        zero[8 + 72 + 37] = 0;
        Assert.Equal(SyncMessageError.BadOption, ErrorOf(zero));

        // The same option twice: the SIP entry's name option retyped as a second data option.
        byte[] twice = (byte[])SyncVectors.PersistenceEngineData.Clone();
        twice[8 + 46] = SyncWire.OptionPersistenceData;
        Assert.Equal(SyncMessageError.BadOption, ErrorOf(twice));
    }

    [Fact]
    public void AnEngineNameLongerThan16BytesIsRefused()
    {
        var entry = SyncVectors.PersistenceEngineEntry with { PersistenceEngine = "abcdefghijklmnop" };
        byte[] message = SyncMessageWriter.WriteMessages([entry], 1)[0];
        Assert.Equal(SyncMessageError.None, ErrorOf(message));

        // Grow the name's length byte to 17 in a message one byte longer.
        byte[] longer = [.. message, (byte)'q'];
        longer[3]++;
        longer[11]++;
        longer[^18] = 17;
        Assert.Equal(SyncMessageError.BadOption, ErrorOf(longer));
    }

    [Fact]
    public void ReadingEntriesWithoutPersistenceDataAllocatesNothing()
    {
        byte[] datagram = SyncMessageWriter.WriteMessages(Enumerable.Repeat(SyncVectors.SequenceEntry, 20).ToArray(), 1)[0];
        int Count()
        {
            int n = 0;
            if (SyncMessage.TryRead(datagram, out SyncMessage message, out _))
            {
                foreach (SyncEntry entry in message)
                {
                    n += entry.ClientPort > 0 ? 1 : 0;
                }
            }

            return n;
        }

        Assert.Equal(20, Count());
        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += Count();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2000, total);
    }
}
