/// Which generated types get the JSON fast paths (`NodeDecodable` / `NodeEncodable`: members read
/// from and written to the JSON engine's trees directly instead of through `Codable`).
///
/// The fast paths cost build time (they were a quarter of the generated lines and about half of
/// `CamundaAPI`'s release build time) and buy speed only where a type is decoded or encoded per job:
/// BENCHMARKS.md, "JSON engine and generated fast paths (issue 14)", has the figures. The rule is
/// therefore the worker's hot path: the types reachable from the request bodies and JSON responses
/// of the operations with the `longPoll` or `acknowledgement` trait (see `OperationTraitsOverlay`:
/// job activation, and the completion, failure and error reports), following what the fast path
/// itself reads and writes — struct members, array elements, dictionary values and typealias
/// targets. Unions stop the walk: their fast path is `Codable`, so their payloads need none.
/// Every other type is decoded and encoded through `Codable` by the SDK's own decoder and encoder.
public enum FastPathScope: Hashable, Sendable {
    /// The worker's hot path, as above (what `camunda-generate` emits).
    case workerHotPath
    /// Every model (the output before issue 14; kept to reproduce the measurement).
    case all
    /// No model (plain `Codable`; kept to reproduce the measurement).
    case none

    /// The traits whose operations are on the worker's hot path.
    public static let hotTraits: Set<String> = ["longPoll", "acknowledgement"]
}

/// The set of types a ``FastPathScope`` selects, by qualified Swift name (`Outer.Inner` for nested types).
public enum FastPathSelection: Hashable, Sendable {
    case all
    case only(Set<String>)

    public func contains(_ qualifiedName: String) -> Bool {
        switch self {
        case .all: true
        case .only(let names): names.contains(qualifiedName)
        }
    }

    /// The types `scope` selects among `declarations` (every model declaration, nested ones inside
    /// their owners) for `operations`.
    public static func select(_ scope: FastPathScope, declarations: [Declaration], operations: [OperationDecl]) -> Self {
        switch scope {
        case .all: return .all
        case .none: return .only([])
        case .workerHotPath:
            var roots: [TypeRef] = []
            for op in operations where !FastPathScope.hotTraits.isDisjoint(with: op.traits) {
                for parameter in op.parameters where parameter.role == .jsonBody { roots.append(parameter.type) }
                if case .json(let type, _) = op.result { roots.append(type) }
            }
            return .only(reachable(from: roots, declarations: declarations))
        }
    }

    /// The qualified names of the declarations reachable from `roots` through struct members, array
    /// elements, dictionary values and typealias targets (not through union payloads).
    static func reachable(from roots: [TypeRef], declarations: [Declaration]) -> Set<String> {
        var byName: [String: Declaration] = [:]
        func index(_ declaration: Declaration, scope: [String]) {
            let qualified = scope + [declaration.name]
            byName[qualified.joined(separator: ".")] = declaration
            switch declaration {
            case .structure(let d): for nested in d.nested { index(nested, scope: qualified) }
            case .union(let d): for nested in d.nested { index(nested, scope: qualified) }
            case .stringEnum, .identifier, .alias: break
            }
        }
        for declaration in declarations { index(declaration, scope: []) }

        var reached: Set<String> = []
        var pending: [(type: TypeRef, scope: [String])] = roots.map { ($0, []) }
        while let (type, scope) = pending.popLast() {
            switch type {
            case .array(let element): pending.append((element, scope))
            case .dictionary(let value): pending.append((value, scope))
            case .generic: break  // `FilterProperty<…>`: its fast path is `Codable`, whatever its arguments.
            case .named(let name):
                // Swift's lookup: the innermost enclosing scope that declares the name, then the top level.
                var qualified: String?
                for depth in stride(from: scope.count, through: 0, by: -1) {
                    let candidate = (scope.prefix(depth) + [name]).joined(separator: ".")
                    if byName[candidate] != nil {
                        qualified = candidate
                        break
                    }
                }
                guard let qualified, let declaration = byName[qualified], reached.insert(qualified).inserted else { continue }
                let path = qualified.split(separator: ".").map(String.init)
                switch declaration {
                case .structure(let d): for property in d.properties { pending.append((property.type, path)) }
                case .alias(let d): pending.append((d.target, Array(path.dropLast())))
                case .union, .stringEnum, .identifier: break
                }
            }
        }
        return reached
    }
}
