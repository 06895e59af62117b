// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.
use crate::builtins;
use crate::rvm::program::Program;
use crate::value::Value;

use super::errors::{Result, VmError};
use super::execution_model::ExecutionMode;
use super::machine::RegoVM;

impl RegoVM {
    // posture patch: the program is borrowed from the caller (see `jump_to_in`), and so are
    // the call's parameters.
    pub(super) fn execute_function_call_in(
        &mut self,
        program: &Program,
        params_index: u16,
    ) -> Result<()> {
        let params = program
            .instruction_data
            .get_function_call_params(params_index)
            .ok_or_else(|| VmError::InvalidFunctionCallParamsIndex {
                index: params_index,
                pc: self.pc,
                available: program.instruction_data.function_call_params.len(),
            })?;
        let call_result = match self.execution_mode {
            ExecutionMode::RunToCompletion => self.execute_call_rule_common_in(
                program,
                params.dest,
                params.func_rule_index,
                Some(params),
            ),
            ExecutionMode::Suspendable => self.execute_call_rule_suspendable(
                params.dest,
                params.func_rule_index,
                Some(params),
            ),
        };

        call_result?;

        self.memory_check()?;
        Ok(())
    }

    // posture patch: the program is borrowed from the caller (see `jump_to_in`).
    pub(super) fn execute_builtin_call_in(
        &mut self,
        program: &Program,
        params_index: u16,
    ) -> Result<()> {
        let params = program
            .instruction_data
            .get_builtin_call_params(params_index)
            .ok_or_else(|| VmError::InvalidBuiltinCallParamsIndex {
                index: params_index,
                pc: self.pc,
                available: program.instruction_data.builtin_call_params.len(),
            })?
            .clone();
        let builtin_info = program.get_builtin_info(params.builtin_index).ok_or_else(|| VmError::InvalidBuiltinInfoIndex {
                index: params.builtin_index,
                pc: self.pc,
                available: program.builtin_info_table.len(),
            },
        )?;

        // posture patch (POSTURE-PATCH.md item 41): the arguments are gathered in
        // `cached_builtin_args` and the placeholder expressions lent from `dummy_exprs` where
        // they are, instead of taking both vectors out of the VM and putting them back
        // (each put-back dropped the empty vector left in their place, about 1% of a run's
        // instructions).
        self.cached_builtin_args.clear();
        for &arg_reg in params.arg_registers() {
            let arg_value = self
                .registers
                .get(usize::from(arg_reg))
                .ok_or_else(|| VmError::RegisterIndexOutOfBounds {
                    index: arg_reg,
                    pc: self.pc,
                    register_count: self.registers.len(),
                })?
                .clone();
            self.cached_builtin_args.push(arg_value);
        }

        let expected_args = builtin_info.num_args;
        let actual_args = self.cached_builtin_args.len();
        if u16::try_from(actual_args).unwrap_or(u16::MAX) != expected_args {
            return Err(VmError::BuiltinArgumentMismatch {
                expected: expected_args,
                actual: actual_args,
                pc: self.pc,
            });
        }

        if self
            .cached_builtin_args
            .iter()
            .any(|a| matches!(a, Value::Undefined))
        {
            self.set_register(params.dest, Value::Undefined)?;
            self.memory_check()?;
            return Ok(());
        }

        // Extract everything we need from program before releasing the borrow.
        let builtin_fn = match program.get_resolved_builtin(params.builtin_index) {
            Some(fcn) => fcn.0,
            None => {
                return Err(VmError::BuiltinNotResolved {
                    name: builtin_info.name.clone(),
                    pc: self.pc,
                });
            }
        };
        let cache_name = builtins::must_cache(builtin_info.name.as_str());

        // posture patch: the placeholder span and expressions are created once and then only
        // checked here (two calls per builtin call before), and the span is lent to the
        // builtin rather than cloned for it (a reference count taken and dropped per call).
        if self.dummy_exprs.len() < actual_args {
            self.ensure_dummy_exprs(actual_args)?;
        }
        if self.dummy_span.is_none() {
            self.get_dummy_span()?;
        }

        if let Some(name) = cache_name {
            if let Some(entries) = self.builtins_cache.get(name) {
                for entry in entries {
                    if entry.0.as_slice() == self.cached_builtin_args.as_slice() {
                        let cached = entry.1.clone();
                        self.set_register(params.dest, cached)?;
                        self.memory_check()?;
                        return Ok(());
                    }
                }
            }
        }

        let Some(dummy_span) = self.dummy_span.as_ref() else {
            return Err(VmError::Internal {
                message: "dummy span missing after initialization".into(),
                pc: self.pc,
            });
        };
        let result = match builtin_fn(
            dummy_span,
            self.dummy_exprs.get(..actual_args).unwrap_or(&[]),
            &self.cached_builtin_args,
            self.strict_builtin_errors,
        ) {
            Ok(value) => value,
            // Resource-limit errors must always propagate, even in non-strict
            // mode, to prevent `not builtin(...)` from silently flipping to true.
            Err(e) if !self.strict_builtin_errors => {
                if e.downcast_ref::<crate::LimitError>().is_some() {
                    return Err(e.into());
                }
                Value::Undefined
            }
            Err(err) => {
                return Err(err.into());
            }
        };

        if let Some(name) = cache_name {
            // Move args into the cache. The now-empty (zero-capacity) Vec is left in
            // cached_builtin_args; the next call will re-allocate. This is acceptable
            // because cache inserts are rare (once per unique argument set) while the hot
            // path (cache hit above) reuses the Vec.
            let cache_args = core::mem::take(&mut self.cached_builtin_args);
            self.builtins_cache
                .entry(name)
                .or_default()
                .push((cache_args, result.clone()));
        }
        self.set_register(params.dest, result)?;

        self.memory_check()?;

        Ok(())
    }
}

/// posture patch (POSTURE-PATCH.md item 41): builtin calls gather their arguments in the
/// VM's reused vector.
#[cfg(all(test, feature = "std"))]
mod posture_builtin_call_tests {
    use crate::languages::rego::compiler::Compiler;
    use crate::rvm::vm::RegoVM;
    use crate::{Engine, Value};

    #[test]
    fn builtin_calls_one_after_another_see_only_their_own_arguments() {
        let mut engine = Engine::new();
        let module = r#"package t

results := [
	lower("AbC"),
	concat("-", ["a", lower(input.x), upper("b")]),
	count([1, 2, 3]),
	sprintf("%s/%d", [substring("abcdef", 1, 3), count("xy")]),
	object.get({"a": {"b": 7}}, ["a", "b"], 0),
	same_time,
	same_random,
	missing,
	bad_number,
]

same_time := time.now_ns() == time.now_ns()

same_random := rand.intn("k", 1000000000) == rand.intn("k", 1000000000)

missing := "undefined" if not lower(input.nothing)

bad_number := "undefined" if not to_number("x")
"#;
        engine.add_policy("t.rego".into(), module.into()).unwrap();
        let policy = engine
            .compile_with_entrypoint(&"data.t.results".into())
            .unwrap();
        let program = Compiler::compile_from_policy(&policy, &["data.t.results"]).unwrap();
        let mut vm = RegoVM::new();
        vm.load_program(program);
        for _ in 0..2 {
            vm.set_input(Value::from_json_str(r#"{"x": "Q"}"#).unwrap());
            let r = vm.execute_entry_point_by_name("data.t.results").unwrap();
            assert_eq!(
                r,
                Value::from_json_str(
                    r#"["abc", "a-q-B", 3, "bcd/2", 7, true, true, "undefined", "undefined"]"#
                )
                .unwrap()
            );
        }
    }
}
