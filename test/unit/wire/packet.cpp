#include "test_bytes.hpp"

#include <boost/test/unit_test.hpp>

#include <wire/packet.hpp>

using namespace binlogstream;
using namespace binlogstream::wire;
using binlogstream::test::from_hex;

BOOST_AUTO_TEST_SUITE(wire_packet)

BOOST_AUTO_TEST_CASE(frame_header_layout)
{
    // "MySQL Packets": int<3> payload_length, int<1> sequence_id. COM_QUIT example: 01 00 00 00 01.
    auto bytes = from_hex("01 00 00 00");
    auto h = decode_frame_header(std::span<const std::byte, 4>(bytes.data(), 4));
    BOOST_TEST(h.length == 1u);
    BOOST_TEST(h.sequence == 0u);
    auto big = from_hex("ff ff ff 07");
    h = decode_frame_header(std::span<const std::byte, 4>(big.data(), 4));
    BOOST_TEST(h.length == 0xffffffu);
    BOOST_TEST(h.sequence == 7u);
}

BOOST_AUTO_TEST_CASE(write_small_packet)
{
    // The COM_QUIT example of the protocol documentation: 01 00 00 00 01.
    std::vector<std::byte> out;
    std::uint8_t seq = 0;
    auto payload = from_hex("01");
    write_frames(payload, seq, out);
    BOOST_TEST(out == from_hex("01 00 00 00 01"), boost::test_tools::per_element());
    BOOST_TEST(seq == 1u);
}

BOOST_AUTO_TEST_CASE(write_empty_packet)
{
    std::vector<std::byte> out;
    std::uint8_t seq = 3;
    write_frames({}, seq, out);
    BOOST_TEST(out == from_hex("00 00 00 03"), boost::test_tools::per_element());
    BOOST_TEST(seq == 4u);
}

BOOST_AUTO_TEST_CASE(split_at_16mib)
{
    // "Sending More Than 16Mb": a payload of exactly 2^24-1 bytes is sent as a full frame followed by
    // an empty one; larger payloads continue in the next frame.
    for (std::size_t size : {max_frame_payload, max_frame_payload + 10, 2 * max_frame_payload})
    {
        BOOST_TEST_CONTEXT("size " << size)
        {
            std::vector<std::byte> payload(size);
            for (std::size_t i = 0; i < size; ++i)
                payload[i] = std::byte(i * 7);
            std::vector<std::byte> out;
            std::uint8_t seq = 0;
            write_frames(payload, seq, out);
            std::size_t frames = size / max_frame_payload + 1;
            BOOST_TEST(out.size() == size + 4 * frames);
            BOOST_TEST(seq == frames);
            BOOST_TEST(std::to_integer<int>(out[0]) == 0xff);
            BOOST_TEST(std::to_integer<int>(out[1]) == 0xff);
            BOOST_TEST(std::to_integer<int>(out[2]) == 0xff);
            BOOST_TEST(std::to_integer<int>(out[3]) == 0);
            std::size_t last = (frames - 1) * (max_frame_payload + 4);
            BOOST_TEST(
                std::to_integer<std::size_t>(out[last]) + (std::to_integer<std::size_t>(out[last + 1]) << 8) +
                    (std::to_integer<std::size_t>(out[last + 2]) << 16) ==
                size % max_frame_payload
            );
            BOOST_TEST(std::to_integer<std::size_t>(out[last + 3]) == frames - 1);

            // And joined back.
            std::uint8_t rseq = 0;
            std::vector<std::byte> joined;
            std::size_t consumed = 0;
            BOOST_TEST(!read_packet(out, rseq, std::size_t(1) << 30, joined, consumed));
            BOOST_TEST(consumed == out.size());
            BOOST_TEST(rseq == frames);
            BOOST_TEST((joined == payload));
        }
    }
}

BOOST_AUTO_TEST_CASE(read_two_packets_back_to_back)
{
    auto stream = from_hex("01 00 00 00 0e  07 00 00 01 00 00 00 02 00 00 00");
    std::uint8_t seq = 0;
    std::vector<std::byte> out;
    std::size_t consumed = 0;
    BOOST_TEST(!read_packet(stream, seq, 1024, out, consumed));
    BOOST_TEST(consumed == 5u);
    BOOST_TEST(out == from_hex("0e"), boost::test_tools::per_element());
    BOOST_TEST(!read_packet(std::span(stream).subspan(consumed), seq, 1024, out, consumed));
    BOOST_TEST(out == from_hex("00 00 00 02 00 00 00"), boost::test_tools::per_element());
    BOOST_TEST(seq == 2u);
}

BOOST_AUTO_TEST_CASE(sequence_mismatch)
{
    auto stream = from_hex("01 00 00 05 0e");
    std::uint8_t seq = 0;
    std::vector<std::byte> out;
    std::size_t consumed = 0;
    BOOST_TEST(read_packet(stream, seq, 1024, out, consumed) == make_error_code(errc::sequence_mismatch));
}

BOOST_AUTO_TEST_CASE(sequence_wraps_at_256)
{
    auto stream = from_hex("01 00 00 ff 0e");
    std::uint8_t seq = 255;
    std::vector<std::byte> out;
    std::size_t consumed = 0;
    BOOST_TEST(!read_packet(stream, seq, 1024, out, consumed));
    BOOST_TEST(seq == 0u);
}

BOOST_AUTO_TEST_CASE(packet_too_large)
{
    auto stream = from_hex("05 00 00 00 01 02 03 04 05");
    std::uint8_t seq = 0;
    std::vector<std::byte> out;
    std::size_t consumed = 0;
    BOOST_TEST(read_packet(stream, seq, 4, out, consumed) == make_error_code(errc::packet_too_large));
    seq = 0;
    BOOST_TEST(!read_packet(stream, seq, 5, out, consumed));

    // The limit applies to the joined packet, not to each frame.
    packet_assembler a(max_frame_payload + 5);
    std::uint8_t s = 0;
    std::size_t body = 0;
    BOOST_TEST(!a.on_header({static_cast<std::uint32_t>(max_frame_payload), 0}, s, body));
    BOOST_TEST(!a.complete());
    BOOST_TEST(a.on_header({6, 1}, s, body) == make_error_code(errc::packet_too_large));
}

BOOST_AUTO_TEST_CASE(truncation_sweep)
{
    auto stream = from_hex("07 00 00 01 00 00 00 02 00 00 00");
    for (std::size_t n = 0; n < stream.size(); ++n)
    {
        BOOST_TEST_CONTEXT("prefix " << n)
        {
            std::uint8_t seq = 1;
            std::vector<std::byte> out;
            std::size_t consumed = 0;
            auto ec = read_packet(std::span(stream).first(n), seq, 1024, out, consumed);
            BOOST_TEST(ec == make_error_code(errc::truncated_event));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
