#include "codec/column_plan.hpp"

namespace binlogstream::codec {

std::shared_ptr<const detail::column_plan> make_column_plan(const table_info& t)
{
    auto plan = std::make_shared<detail::column_plan>();
    plan->cells.reserve(t.columns.size());
    plan->full_walk_ok = true;
    std::size_t fixed = 0;
    for (const auto& c : t.columns)
    {
        const auto& l = plan->cells.emplace_back(plan_cell(c));
        plan->json_columns += c.type == column_type::json;
        if (l.status != errc::ok || fixed > 0xffffffffu - l.fixed)
        {
            plan->full_walk_ok = false;
        }
        else if (l.prefix == 0)
        {
            fixed += l.fixed;
        }
        else
        {
            plan->full_walk.push_back({std::uint32_t(fixed), l.prefix});
            fixed = 0;
        }
    }
    plan->full_walk_tail = fixed;
    return plan;
}

} // namespace binlogstream::codec
