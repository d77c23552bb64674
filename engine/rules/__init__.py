"""Rule packs: the YAML rule language, its loader and its checks."""
from .loader import check_param_value, load_packs, read_pack, rule_fact_paths
from .model import Derived, Group, Leaf, Operand, Pack, Parameter, Rule, Template

__all__ = ["load_packs", "read_pack", "check_param_value", "rule_fact_paths", "Pack", "Rule",
           "Leaf", "Group", "Operand", "Parameter", "Derived", "Template"]
