// report: the bench's results as Markdown tables and an SVG bar chart of the ratios.
//
// Both are written by hand, with no library: the tables are lines of text,
// the chart is rectangles and text in SVG. Every number comes from results
// (medians, and ratios taken within a round); this file only lays them out.
#pragma once

#include <string>
#include <vector>

#include "results.hpp"

namespace bench {

// What the report says about how the numbers were taken.
struct Setup {
    std::string machine;             // CPU model, count, kernel
    std::string pinning;             // which CPU the servers and wrk ran on
    std::vector<std::string> notes;  // anything a reader must know to trust the table
};

std::string markdown_report(const Results& results, const Setup& setup);

// A bar per server and metric, relative to nginx (1.0), higher always better.
std::string svg_chart(const Results& results);

}  // namespace bench
