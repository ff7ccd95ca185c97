using LvsLab.Director.Sync;
using Xunit;

namespace LvsLab.Director.Tests.Sync;

/// <summary>A seeded fuzz of the reader: mutated messages are refused or read, never thrown on.</summary>
public class SyncMessageFuzzTests
{
    [Fact]
    public void A100000MutatedMessagesNeverThrow()
    {
        var random = new Random(8848);
        var seeds = new List<byte[]>
        {
            SyncVectors.OneTcpDirectRoute,
            SyncVectors.UdpNatWithTemplate,
            SyncVectors.SequenceOptionAndPadding,
            SyncVectors.PersistenceEngineData,
            SyncVectors.SkippedEntries,
            SyncVectors.Version0,
        };
        for (int i = 0; i < 20; i++)
        {
            SyncEntry[] entries = [.. Enumerable.Range(0, random.Next(1, 12)).Select(_ => SyncMessageWriterTests.RandomEntry(random))];
            seeds.Add(SyncMessageWriter.WriteMessages(entries, (byte)i)[0]);
        }

        var outcomes = new Dictionary<SyncMessageError, int>();
        int entriesRead = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] datagram = Mutate(random, seeds[random.Next(seeds.Count)]);
            Exception? thrown = Record.Exception(() =>
            {
                if (SyncMessage.TryRead(datagram, out SyncMessage message, out SyncMessageError error))
                {
                    foreach (SyncEntry entry in message)
                    {
                        entriesRead += entry.Protocol >= 0 ? 1 : 0;
                    }
                }

                outcomes[error] = outcomes.GetValueOrDefault(error) + 1;
            });
            Assert.True(thrown is null, $"mutation {i}: {Convert.ToHexString(datagram)}: {thrown}");
        }

        // The mutations reach every outcome, so the fuzz exercised every check.
        Assert.Equal(Enum.GetValues<SyncMessageError>().Order(), outcomes.Keys.Order());
        Assert.True(entriesRead > 10_000, $"{entriesRead} entries read");
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    // Cut the datagram short.
                    int cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 3:
                    for (int n = random.Next(1, 16); n > 0; n--)
                    {
                        bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    }

                    break;
                case 4 when bytes.Count > 11:
                    // An entry's size (the first entry's ver_size), anything.
                    bytes[10] = (byte)random.Next(256);
                    bytes[11] = (byte)random.Next(256);
                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes.RemoveRange(random.Next(bytes.Count), 1);
                    }

                    break;
            }
        }

        // Most of the time the size is made right again, so the mutation reaches the entries.
        if (bytes.Count >= 4 && random.Next(10) < 8)
        {
            bytes[2] = (byte)(bytes.Count >> 8);
            bytes[3] = (byte)bytes.Count;
        }

        return [.. bytes];
    }
}
