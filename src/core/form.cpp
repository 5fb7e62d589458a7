// Forms: decoding application/x-www-form-urlencoded (WHATWG URL, §5.1).
//
// Layer: core; no system calls.
#include "form.hpp"

#include "grammar.hpp"

namespace porter {

namespace {

// '+' is a space here, and only here: a form encodes a space as '+' (HTML
// made it so before URLs had %20), so a literal '+' arrives as "%2B".
std::optional<std::string> decode_component(std::string_view encoded) {
    std::string decoded;
    decoded.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '+') {
            decoded += ' ';
        } else if (c != '%') {
            decoded += c;
        } else {
            if (encoded.size() - i < 3) return std::nullopt;  // "%" or "%4" at the end
            auto high = hex_digit_value(encoded[i + 1]);
            auto low = hex_digit_value(encoded[i + 2]);
            if (!high || !low) return std::nullopt;
            decoded += static_cast<char>(*high * 16 + *low);
            i += 2;
        }
    }
    return decoded;
}

}  // namespace

std::optional<Form> decode_form(std::string_view encoded) {
    Form form;
    while (!encoded.empty()) {
        std::size_t amp = std::min(encoded.find('&'), encoded.size());
        std::string_view pair = encoded.substr(0, amp);
        encoded.remove_prefix(std::min(amp + 1, encoded.size()));
        if (pair.empty()) continue;  // "a=1&&b=2", or a trailing '&'
        std::size_t equals = pair.find('=');
        auto name = decode_component(pair.substr(0, equals));
        auto value = decode_component(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
        if (!name || !value) return std::nullopt;
        form.fields.push_back({std::move(*name), std::move(*value)});
    }
    return form;
}

std::optional<std::string_view> Form::get(std::string_view name) const {
    for (const FormField& field : fields)
        if (field.name == name) return field.value;
    return std::nullopt;
}

std::vector<std::string_view> Form::get_all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const FormField& field : fields)
        if (field.name == name) values.push_back(field.value);
    return values;
}

}  // namespace porter
