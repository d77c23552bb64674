"""Rule packs: the YAML rule language, its loader and its checks."""
from .loader import check_param_value, load_packs, read_pack
from .language import Derived, Group, Leaf, Operand, Pack, Parameter, Rule, Template

__all__ = ["load_packs", "read_pack", "check_param_value", "Pack", "Rule",
           "Leaf", "Group", "Operand", "Parameter", "Derived", "Template"]
