using System.Buffers.Binary;
using System.Text;

namespace LvsLab.Director.Sync;

/// <summary>
/// Writes version 1 IPVS synchronisation messages (layout in <see cref="SyncWire"/>) as the
/// kernel's master does (<c>ip_vs_sync_conn</c>): entries in order, each but the first after
/// zero padding to a multiple of 4, as many as fit the maximum payload (<c>sync_maxlen</c>,
/// <see cref="SyncWire.DefaultMaxPayload"/> unless given) and at most 255 (<c>nr_conns</c> is
/// one byte). An entry carries the sequence option when it has <see cref="SyncEntry.Sequences"/>,
/// then its persistence-engine data and name when it has them, in that order.
/// </summary>
public static class SyncMessageWriter
{
    /// <summary>The length of an entry on the wire, options included, padding not.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>36 to <see cref="SyncWire.MaxEntryLength"/> bytes.</returns>
    /// <exception cref="ArgumentException">
    /// The persistence-engine data is longer than 255 bytes, the engine's name is empty, longer
    /// than 16 bytes or not ASCII, or a name comes without data (the kernel sends the name only
    /// after the data).
    /// </exception>
    public static int EntryLength(in SyncEntry entry)
    {
        int length = SyncWire.EntryLength;
        if (entry.Sequences is not null)
        {
            length += SyncWire.OptionHeaderLength + SyncWire.SequenceOptionLength;
        }

        int data = entry.PersistenceData.Length;
        if (data > SyncWire.MaxPersistenceDataLength)
        {
            throw new ArgumentException($"persistence-engine data of {data} bytes; at most {SyncWire.MaxPersistenceDataLength}", nameof(entry));
        }

        if (data > 0)
        {
            length += SyncWire.OptionHeaderLength + data;
        }

        if (entry.PersistenceEngine is { } name)
        {
            if (data == 0)
            {
                throw new ArgumentException("a persistence engine's name goes only with its data", nameof(entry));
            }

            if (name.Length is 0 or > SyncWire.MaxPersistenceEngineNameLength || !Ascii.IsValid(name))
            {
                throw new ArgumentException($"persistence engine name '{name}': 1 to {SyncWire.MaxPersistenceEngineNameLength} ASCII characters", nameof(entry));
            }

            length += SyncWire.OptionHeaderLength + name.Length;
        }

        return length;
    }

    /// <summary>
    /// Writes one message holding the first entries of <paramref name="entries"/> that fit, and
    /// says how many it took; call again with the rest until none is left. Allocates nothing.
    /// </summary>
    /// <param name="entries">The entries to send; none gives no message (0 bytes).</param>
    /// <param name="syncId">The sync id (<c>syncid</c>; 0 is taken by every backup).</param>
    /// <param name="destination">Where the message goes; it is cut to <paramref name="maxPayload"/>.</param>
    /// <param name="entriesWritten">How many entries the message holds.</param>
    /// <param name="maxPayload">
    /// The longest message, <see cref="SyncWire.MinMaxPayload"/> to <see cref="SyncWire.MaxPayloadLimit"/>
    /// (default: a 1500-byte MTU's, <see cref="SyncWire.DefaultMaxPayload"/>).
    /// </param>
    /// <returns>The message's length.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPayload"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The destination cannot hold the first entry, or an entry is invalid (see <see cref="EntryLength"/>).</exception>
    public static int Write(
        ReadOnlySpan<SyncEntry> entries, byte syncId, Span<byte> destination, out int entriesWritten, int maxPayload = SyncWire.DefaultMaxPayload)
    {
        CheckMaxPayload(maxPayload);
        entriesWritten = 0;
        if (entries.IsEmpty)
        {
            return 0;
        }

        Span<byte> message = destination[..Math.Min(maxPayload, destination.Length)];
        if (message.Length < SyncWire.HeaderLength + EntryLength(entries[0]))
        {
            throw new ArgumentException($"{destination.Length} bytes cannot hold a message with the first entry", nameof(destination));
        }

        int offset = SyncWire.HeaderLength;
        int count = 0;
        while (count < entries.Length && count < SyncWire.MaxEntriesPerMessage)
        {
            ref readonly SyncEntry entry = ref entries[count];
            int length = EntryLength(entry);
            int padding = -offset & (SyncWire.EntryAlignment - 1);
            if (offset + padding + length > message.Length)
            {
                break;
            }

            message.Slice(offset, padding).Clear();
            WriteEntry(message.Slice(offset + padding, length), entry);
            offset += padding + length;
            count++;
        }

        message[SyncWire.ReservedOffset] = 0;
        message[SyncWire.SyncIdOffset] = syncId;
        BinaryPrimitives.WriteUInt16BigEndian(message[SyncWire.SizeOffset..], (ushort)offset);
        message[SyncWire.CountOffset] = (byte)count;
        message[SyncWire.VersionOffset] = SyncWire.ProtocolVersion;
        BinaryPrimitives.WriteUInt16BigEndian(message[SyncWire.SpareOffset..], 0);
        entriesWritten = count;
        return offset;
    }

    /// <summary>Writes all the entries into as many messages as they need (allocates each message).</summary>
    /// <param name="entries">The entries to send.</param>
    /// <param name="syncId">The sync id.</param>
    /// <param name="maxPayload">The longest message (see <see cref="Write"/>).</param>
    /// <returns>The messages in order; none for no entries.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPayload"/> is out of range.</exception>
    /// <exception cref="ArgumentException">An entry is invalid (see <see cref="EntryLength"/>).</exception>
    public static IReadOnlyList<byte[]> WriteMessages(ReadOnlySpan<SyncEntry> entries, byte syncId, int maxPayload = SyncWire.DefaultMaxPayload)
    {
        CheckMaxPayload(maxPayload);
        var messages = new List<byte[]>();
        byte[] buffer = new byte[maxPayload];
        while (!entries.IsEmpty)
        {
            int length = Write(entries, syncId, buffer, out int written, maxPayload);
            messages.Add(buffer.AsSpan(0, length).ToArray());
            entries = entries[written..];
        }

        return messages;
    }

    private static void CheckMaxPayload(int maxPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, SyncWire.MinMaxPayload);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPayload, SyncWire.MaxPayloadLimit);
    }

    // The entry into exactly its length of bytes.
    private static void WriteEntry(Span<byte> e, in SyncEntry entry)
    {
        e[SyncWire.TypeOffset] = SyncWire.TypeIpv4;
        e[SyncWire.ProtocolOffset] = entry.Protocol;

        // Entry version 0 in the top four bits, the length below.
        BinaryPrimitives.WriteUInt16BigEndian(e[SyncWire.VersionSizeOffset..], (ushort)(e.Length & SyncWire.EntrySizeMask));
        BinaryPrimitives.WriteUInt32BigEndian(e[SyncWire.FlagsOffset..], (uint)entry.Flags);
        BinaryPrimitives.WriteUInt16BigEndian(e[SyncWire.StateOffset..], entry.State);
        BinaryPrimitives.WriteUInt16BigEndian(e[SyncWire.ClientPortOffset..], entry.ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(e[SyncWire.VirtualPortOffset..], entry.VirtualPort);
        BinaryPrimitives.WriteUInt16BigEndian(e[SyncWire.DestinationPortOffset..], entry.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(e[SyncWire.FirewallMarkOffset..], entry.FirewallMark);
        BinaryPrimitives.WriteUInt32BigEndian(e[SyncWire.TimeoutOffset..], entry.TimeoutSeconds);
        entry.ClientAddress.WriteTo(e[SyncWire.ClientAddressOffset..]);
        entry.VirtualAddress.WriteTo(e[SyncWire.VirtualAddressOffset..]);
        entry.DestinationAddress.WriteTo(e[SyncWire.DestinationAddressOffset..]);

        int p = SyncWire.EntryLength;
        if (entry.Sequences is { } sequences)
        {
            e[p] = SyncWire.OptionSequence;
            e[p + 1] = SyncWire.SequenceOptionLength;
            p += SyncWire.OptionHeaderLength;
            p = WriteSequence(e, p, sequences.Input);
            p = WriteSequence(e, p, sequences.Output);
        }

        ReadOnlySpan<byte> data = entry.PersistenceData.Span;
        if (!data.IsEmpty)
        {
            e[p] = SyncWire.OptionPersistenceData;
            e[p + 1] = (byte)data.Length;
            data.CopyTo(e[(p + SyncWire.OptionHeaderLength)..]);
            p += SyncWire.OptionHeaderLength + data.Length;
        }

        if (entry.PersistenceEngine is { } name)
        {
            e[p] = SyncWire.OptionPersistenceEngineName;
            e[p + 1] = (byte)name.Length;
            Encoding.ASCII.GetBytes(name, e[(p + SyncWire.OptionHeaderLength)..]);
        }
    }

    private static int WriteSequence(Span<byte> e, int p, SyncSequence sequence)
    {
        BinaryPrimitives.WriteUInt32BigEndian(e[p..], sequence.InitialSequence);
        BinaryPrimitives.WriteUInt32BigEndian(e[(p + 4)..], sequence.Delta);
        BinaryPrimitives.WriteUInt32BigEndian(e[(p + 8)..], sequence.PreviousDelta);
        return p + 12;
    }
}
