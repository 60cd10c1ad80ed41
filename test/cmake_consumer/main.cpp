// Compiles against the installed headers and links the installed library.
#include <binlogstream/binlogstream.hpp>

#include <iostream>

int main()
{
    std::error_code ec = binlogstream::errc::end_of_stream;
    std::cout << "binlogstream consumer: " << ec.category().name() << ": " << ec.message() << "\n";
    return ec == binlogstream::errc::end_of_stream ? 0 : 1;
}
