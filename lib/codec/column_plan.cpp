#include "codec/column_plan.hpp"

namespace binlogstream::codec {

std::shared_ptr<const detail::column_plan> make_column_plan(const table_info& t)
{
    auto plan = std::make_shared<detail::column_plan>();
    plan->cells.reserve(t.columns.size());
    for (const auto& c : t.columns)
    {
        plan->cells.push_back(plan_cell(c));
        plan->json_columns += c.type == column_type::json;
    }
    return plan;
}

} // namespace binlogstream::codec
