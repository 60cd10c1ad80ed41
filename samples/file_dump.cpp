// Offline reading: binlog or relay-log files (plain or gzip) through `file_reader`, with the same
// decoders and event types as the live stream and no server.
//
//   file_dump FILE...
//
// Prints one line per event ("file:offset type"), the row changes of rows events, and at the end
// how many events of each type code the files hold.

#include <binlogstream/binlogstream.hpp>

#include "row_text.hpp"
#include "sample_setup.hpp"

#include <cstddef>
#include <iostream>
#include <map>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace bls = binlogstream;

void print_rows(const bls::event& ev)
{
    std::visit(
        [](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_base_of_v<bls::rows_event, T>)
                for (const auto& r : e.rows()) // throws bls::error on malformed rows
                {
                    if (e.kind == bls::rows_kind::write)
                        std::cout << "  insert " << sample::row_text(r.after) << '\n';
                    else if (e.kind == bls::rows_kind::update)
                        std::cout << "  update " << sample::row_text(r.before) << " -> "
                                  << sample::row_text(r.after) << '\n';
                    else
                        std::cout << "  delete " << sample::row_text(r.before) << '\n';
                }
        },
        ev
    );
}

int main(int argc, char** argv)
{
    if (argc < 2)
        return sample::usage("file_dump FILE...");
    bls::file_reader reader;
    reader.open(std::vector<std::string>(argv + 1, argv + argc));

    std::map<int, std::size_t> per_type; // type code -> events (inside payloads not counted)
    bls::event ev;
    std::error_code ec;
    try
    {
        while (reader.next(ev, ec))
        {
            const auto& at = reader.position();
            const auto& h = bls::header_of(ev);
            std::cout << at.file << ':' << at.offset << ' ' << bls::to_string(h.type);
            if (at.in_payload)
                std::cout << " (in payload)";
            else
                ++per_type[static_cast<int>(h.type)];
            if (const auto* tm = std::get_if<bls::table_map_event>(&ev); tm && tm->table)
                std::cout << ' ' << tm->table->schema << '.' << tm->table->table;
            std::cout << '\n';
            print_rows(ev);
        }
    }
    catch (const bls::error& e)
    {
        ec = e.code();
    }
    if (ec != bls::errc::end_of_stream)
    {
        std::cerr << "error: " << ec.message() << " at " << reader.position().file << ':'
                  << reader.position().offset << ' ' << reader.diag().client_message() << '\n';
        return 1;
    }
    std::size_t total = 0;
    for (auto [type, count] : per_type)
    {
        std::cout << "type " << type << ' ' << bls::to_string(static_cast<bls::event_type>(type)) << " x"
                  << count << '\n';
        total += count;
    }
    std::cout << "events " << total << '\n';
}
