; kiln model tiny, compiled from its int8 graph.
; Entry points: kiln_tiny_run (int8 in and out), kiln_tiny_run_f32 (float in and out), kiln_tiny_arena_size.
; Dot products: the generic form.
; Arena: 128 bytes per example.

; h.weight.q = param  tiny.kiln:4:13
@h.weight.q = private unnamed_addr constant [48 x i8] c"\CC\BD\EC\81L\BB\7F\96W\DCL\12\81\C5\CC\A9[\D1\AF\1E\8F\AF\7F\E4\EE\F7A4\F0\7F\8E\F9\7F]C\17\CB\84\CC\F0\BC\7Ff\E0\CE\81 \93", align 64
; bias of h.q, plus its input offset -3 times the weights' row sums
@h.q.bias = private unnamed_addr constant [8 x i32] [i32 4823, i32 1326, i32 -2502, i32 3653, i32 -1013, i32 -4674, i32 -5028, i32 -3359], align 64
; per-unit multipliers of h.q
@h.q.mult = private unnamed_addr constant [8 x i32] [i32 1332712454, i32 1447568384, i32 1392929769, i32 1223045875, i32 1395462633, i32 1467298014, i32 1535183406, i32 1428068386], align 64
; per-unit shifts of h.q
@h.q.shift = private unnamed_addr constant [8 x i32] [i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -6, i32 -7, i32 -6], align 64
; y.weight.q = param  tiny.kiln:5:14
@y.weight.q = private unnamed_addr constant [32 x i8] c"Wq\AF\A8\7F\CA\02\F6\7F\B0\F2\9C!\E5\91\1F\81\DE\1Aw\AD]Fh\121\C4\07F\F2y\81", align 64
; bias of y.q, plus its input offset 128 times the weights' row sums
@y.q.bias = private unnamed_addr constant [4 x i32] [i32 23657, i32 -10685, i32 27327, i32 4479], align 64
; per-unit multipliers of y.q
@y.q.mult = private unnamed_addr constant [4 x i32] [i32 2094130894, i32 2063558269, i32 1105992514, i32 2065668172], align 64
; per-unit shifts of y.q
@y.q.shift = private unnamed_addr constant [4 x i32] [i32 -8, i32 -8, i32 -7, i32 -8], align 64

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* %dst, i8* %src, i64 %len, i1 %volatile)

declare i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %0)

define internal i32 @kiln_requant(i32 %x, i32 %m, i32 %shift) nounwind {
entry:
	%0 = icmp sgt i32 %shift, 0
	%1 = select i1 %0, i32 %shift, i32 0
	%2 = sub i32 0, %shift
	%3 = select i1 %0, i32 0, i32 %2
	%4 = shl i32 %x, %1
	%5 = icmp eq i32 %4, -2147483648
	%6 = icmp eq i32 %m, -2147483648
	%7 = and i1 %5, %6
	%8 = sext i32 %4 to i64
	%9 = sext i32 %m to i64
	%10 = mul i64 %8, %9
	%11 = icmp sge i64 %10, 0
	%12 = select i1 %11, i64 u0x40000000, i64 -1073741823
	%13 = add i64 %10, %12
	%14 = sdiv i64 %13, u0x80000000
	%15 = trunc i64 %14 to i32
	%16 = select i1 %7, i32 u0x7FFFFFFF, i32 %15
	%17 = shl i32 1, %3
	%18 = sub i32 %17, 1
	%19 = and i32 %16, %18
	%20 = ashr i32 %18, 1
	%21 = icmp slt i32 %16, 0
	%22 = zext i1 %21 to i32
	%23 = add i32 %20, %22
	%24 = icmp sgt i32 %19, %23
	%25 = zext i1 %24 to i32
	%26 = ashr i32 %16, %3
	%27 = add i32 %26, %25
	ret i32 %27
}

define internal void @kiln_qdense(i8* %x, i8* %w, i32* %bias, i32* %mult, i32* %shift, i8* %out, i64 %rows, i64 %in, i64 %units, i64 %ors, i64 %ous, i32 %out_off, i32 %lo, i32 %hi) nounwind {
entry:
	%0 = sdiv i64 %in, 16
	%1 = mul i64 %0, 16
	%2 = sdiv i64 %units, 4
	br label %block

block:
	%block.i = phi i64 [ 0, %entry ], [ %22, %row.end ]
	%3 = icmp slt i64 %block.i, %2
	br i1 %3, label %block.body, label %block.end

block.body:
	%4 = mul i64 %block.i, 4
	br label %row

block.end:
	%5 = mul i64 %2, 4
	%6 = sub i64 %units, %5
	br label %unit

row:
	%row.i = phi i64 [ 0, %block.body ], [ %173, %dot4.tail.end ]
	%7 = icmp slt i64 %row.i, %rows
	br i1 %7, label %row.body, label %row.end

row.body:
	%8 = mul i64 %row.i, %in
	%9 = getelementptr i8, i8* %x, i64 %8
	%10 = add i64 %4, 0
	%11 = mul i64 %10, %in
	%12 = getelementptr i8, i8* %w, i64 %11
	%13 = add i64 %4, 1
	%14 = mul i64 %13, %in
	%15 = getelementptr i8, i8* %w, i64 %14
	%16 = add i64 %4, 2
	%17 = mul i64 %16, %in
	%18 = getelementptr i8, i8* %w, i64 %17
	%19 = add i64 %4, 3
	%20 = mul i64 %19, %in
	%21 = getelementptr i8, i8* %w, i64 %20
	br label %dot4.vec

row.end:
	%22 = add i64 %block.i, 1
	br label %block

dot4.vec:
	%dot4.vec.i = phi i64 [ 0, %row.body ], [ %61, %dot4.vec.body ]
	%23 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %39, %dot4.vec.body ]
	%24 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %46, %dot4.vec.body ]
	%25 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %53, %dot4.vec.body ]
	%26 = phi <16 x i32> [ zeroinitializer, %row.body ], [ %60, %dot4.vec.body ]
	%27 = icmp slt i64 %dot4.vec.i, %0
	br i1 %27, label %dot4.vec.body, label %dot4.vec.end

dot4.vec.body:
	%28 = mul i64 %dot4.vec.i, 16
	%29 = getelementptr i8, i8* %9, i64 %28
	%30 = bitcast i8* %29 to <16 x i8>*
	%31 = load <16 x i8>, <16 x i8>* %30, align 1
	%32 = sext <16 x i8> %31 to <16 x i16>
	%33 = getelementptr i8, i8* %12, i64 %28
	%34 = bitcast i8* %33 to <16 x i8>*
	%35 = load <16 x i8>, <16 x i8>* %34, align 1
	%36 = sext <16 x i8> %35 to <16 x i16>
	%37 = mul <16 x i16> %32, %36
	%38 = sext <16 x i16> %37 to <16 x i32>
	%39 = add <16 x i32> %23, %38
	%40 = getelementptr i8, i8* %15, i64 %28
	%41 = bitcast i8* %40 to <16 x i8>*
	%42 = load <16 x i8>, <16 x i8>* %41, align 1
	%43 = sext <16 x i8> %42 to <16 x i16>
	%44 = mul <16 x i16> %32, %43
	%45 = sext <16 x i16> %44 to <16 x i32>
	%46 = add <16 x i32> %24, %45
	%47 = getelementptr i8, i8* %18, i64 %28
	%48 = bitcast i8* %47 to <16 x i8>*
	%49 = load <16 x i8>, <16 x i8>* %48, align 1
	%50 = sext <16 x i8> %49 to <16 x i16>
	%51 = mul <16 x i16> %32, %50
	%52 = sext <16 x i16> %51 to <16 x i32>
	%53 = add <16 x i32> %25, %52
	%54 = getelementptr i8, i8* %21, i64 %28
	%55 = bitcast i8* %54 to <16 x i8>*
	%56 = load <16 x i8>, <16 x i8>* %55, align 1
	%57 = sext <16 x i8> %56 to <16 x i16>
	%58 = mul <16 x i16> %32, %57
	%59 = sext <16 x i16> %58 to <16 x i32>
	%60 = add <16 x i32> %26, %59
	%61 = add i64 %dot4.vec.i, 1
	br label %dot4.vec

dot4.vec.end:
	%62 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %23)
	%63 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %24)
	%64 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %25)
	%65 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %26)
	%66 = sub i64 %in, %1
	br label %dot4.tail

dot4.tail:
	%dot4.tail.i = phi i64 [ 0, %dot4.vec.end ], [ %96, %dot4.tail.body ]
	%67 = phi i32 [ %62, %dot4.vec.end ], [ %80, %dot4.tail.body ]
	%68 = phi i32 [ %63, %dot4.vec.end ], [ %85, %dot4.tail.body ]
	%69 = phi i32 [ %64, %dot4.vec.end ], [ %90, %dot4.tail.body ]
	%70 = phi i32 [ %65, %dot4.vec.end ], [ %95, %dot4.tail.body ]
	%71 = icmp slt i64 %dot4.tail.i, %66
	br i1 %71, label %dot4.tail.body, label %dot4.tail.end

dot4.tail.body:
	%72 = add i64 %1, %dot4.tail.i
	%73 = getelementptr i8, i8* %9, i64 %72
	%74 = load i8, i8* %73
	%75 = sext i8 %74 to i32
	%76 = getelementptr i8, i8* %12, i64 %72
	%77 = load i8, i8* %76
	%78 = sext i8 %77 to i32
	%79 = mul i32 %78, %75
	%80 = add i32 %67, %79
	%81 = getelementptr i8, i8* %15, i64 %72
	%82 = load i8, i8* %81
	%83 = sext i8 %82 to i32
	%84 = mul i32 %83, %75
	%85 = add i32 %68, %84
	%86 = getelementptr i8, i8* %18, i64 %72
	%87 = load i8, i8* %86
	%88 = sext i8 %87 to i32
	%89 = mul i32 %88, %75
	%90 = add i32 %69, %89
	%91 = getelementptr i8, i8* %21, i64 %72
	%92 = load i8, i8* %91
	%93 = sext i8 %92 to i32
	%94 = mul i32 %93, %75
	%95 = add i32 %70, %94
	%96 = add i64 %dot4.tail.i, 1
	br label %dot4.tail

dot4.tail.end:
	%97 = add i64 %4, 0
	%98 = getelementptr i32, i32* %bias, i64 %97
	%99 = load i32, i32* %98
	%100 = add i32 %67, %99
	%101 = getelementptr i32, i32* %mult, i64 %97
	%102 = load i32, i32* %101
	%103 = getelementptr i32, i32* %shift, i64 %97
	%104 = load i32, i32* %103
	%105 = call i32 @kiln_requant(i32 %100, i32 %102, i32 %104)
	%106 = add i32 %105, %out_off
	%107 = mul i64 %row.i, %ors
	%108 = mul i64 %97, %ous
	%109 = add i64 %107, %108
	%110 = icmp sgt i32 %106, %lo
	%111 = select i1 %110, i32 %106, i32 %lo
	%112 = icmp slt i32 %111, %hi
	%113 = select i1 %112, i32 %111, i32 %hi
	%114 = trunc i32 %113 to i8
	%115 = getelementptr i8, i8* %out, i64 %109
	store i8 %114, i8* %115
	%116 = add i64 %4, 1
	%117 = getelementptr i32, i32* %bias, i64 %116
	%118 = load i32, i32* %117
	%119 = add i32 %68, %118
	%120 = getelementptr i32, i32* %mult, i64 %116
	%121 = load i32, i32* %120
	%122 = getelementptr i32, i32* %shift, i64 %116
	%123 = load i32, i32* %122
	%124 = call i32 @kiln_requant(i32 %119, i32 %121, i32 %123)
	%125 = add i32 %124, %out_off
	%126 = mul i64 %row.i, %ors
	%127 = mul i64 %116, %ous
	%128 = add i64 %126, %127
	%129 = icmp sgt i32 %125, %lo
	%130 = select i1 %129, i32 %125, i32 %lo
	%131 = icmp slt i32 %130, %hi
	%132 = select i1 %131, i32 %130, i32 %hi
	%133 = trunc i32 %132 to i8
	%134 = getelementptr i8, i8* %out, i64 %128
	store i8 %133, i8* %134
	%135 = add i64 %4, 2
	%136 = getelementptr i32, i32* %bias, i64 %135
	%137 = load i32, i32* %136
	%138 = add i32 %69, %137
	%139 = getelementptr i32, i32* %mult, i64 %135
	%140 = load i32, i32* %139
	%141 = getelementptr i32, i32* %shift, i64 %135
	%142 = load i32, i32* %141
	%143 = call i32 @kiln_requant(i32 %138, i32 %140, i32 %142)
	%144 = add i32 %143, %out_off
	%145 = mul i64 %row.i, %ors
	%146 = mul i64 %135, %ous
	%147 = add i64 %145, %146
	%148 = icmp sgt i32 %144, %lo
	%149 = select i1 %148, i32 %144, i32 %lo
	%150 = icmp slt i32 %149, %hi
	%151 = select i1 %150, i32 %149, i32 %hi
	%152 = trunc i32 %151 to i8
	%153 = getelementptr i8, i8* %out, i64 %147
	store i8 %152, i8* %153
	%154 = add i64 %4, 3
	%155 = getelementptr i32, i32* %bias, i64 %154
	%156 = load i32, i32* %155
	%157 = add i32 %70, %156
	%158 = getelementptr i32, i32* %mult, i64 %154
	%159 = load i32, i32* %158
	%160 = getelementptr i32, i32* %shift, i64 %154
	%161 = load i32, i32* %160
	%162 = call i32 @kiln_requant(i32 %157, i32 %159, i32 %161)
	%163 = add i32 %162, %out_off
	%164 = mul i64 %row.i, %ors
	%165 = mul i64 %154, %ous
	%166 = add i64 %164, %165
	%167 = icmp sgt i32 %163, %lo
	%168 = select i1 %167, i32 %163, i32 %lo
	%169 = icmp slt i32 %168, %hi
	%170 = select i1 %169, i32 %168, i32 %hi
	%171 = trunc i32 %170 to i8
	%172 = getelementptr i8, i8* %out, i64 %166
	store i8 %171, i8* %172
	%173 = add i64 %row.i, 1
	br label %row

unit:
	%unit.i = phi i64 [ 0, %block.end ], [ %182, %row1.end ]
	%174 = icmp slt i64 %unit.i, %6
	br i1 %174, label %unit.body, label %unit.end

unit.body:
	%175 = add i64 %5, %unit.i
	br label %row1

unit.end:
	ret void

row1:
	%row1.i = phi i64 [ 0, %unit.body ], [ %230, %dot.tail.end ]
	%176 = icmp slt i64 %row1.i, %rows
	br i1 %176, label %row1.body, label %row1.end

row1.body:
	%177 = mul i64 %row1.i, %in
	%178 = getelementptr i8, i8* %x, i64 %177
	%179 = add i64 %175, 0
	%180 = mul i64 %179, %in
	%181 = getelementptr i8, i8* %w, i64 %180
	br label %dot.vec

row1.end:
	%182 = add i64 %unit.i, 1
	br label %unit

dot.vec:
	%dot.vec.i = phi i64 [ 0, %row1.body ], [ %197, %dot.vec.body ]
	%183 = phi <16 x i32> [ zeroinitializer, %row1.body ], [ %196, %dot.vec.body ]
	%184 = icmp slt i64 %dot.vec.i, %0
	br i1 %184, label %dot.vec.body, label %dot.vec.end

dot.vec.body:
	%185 = mul i64 %dot.vec.i, 16
	%186 = getelementptr i8, i8* %178, i64 %185
	%187 = bitcast i8* %186 to <16 x i8>*
	%188 = load <16 x i8>, <16 x i8>* %187, align 1
	%189 = sext <16 x i8> %188 to <16 x i16>
	%190 = getelementptr i8, i8* %181, i64 %185
	%191 = bitcast i8* %190 to <16 x i8>*
	%192 = load <16 x i8>, <16 x i8>* %191, align 1
	%193 = sext <16 x i8> %192 to <16 x i16>
	%194 = mul <16 x i16> %189, %193
	%195 = sext <16 x i16> %194 to <16 x i32>
	%196 = add <16 x i32> %183, %195
	%197 = add i64 %dot.vec.i, 1
	br label %dot.vec

dot.vec.end:
	%198 = call i32 @llvm.vector.reduce.add.v16i32(<16 x i32> %183)
	%199 = sub i64 %in, %1
	br label %dot.tail

dot.tail:
	%dot.tail.i = phi i64 [ 0, %dot.vec.end ], [ %211, %dot.tail.body ]
	%200 = phi i32 [ %198, %dot.vec.end ], [ %210, %dot.tail.body ]
	%201 = icmp slt i64 %dot.tail.i, %199
	br i1 %201, label %dot.tail.body, label %dot.tail.end

dot.tail.body:
	%202 = add i64 %1, %dot.tail.i
	%203 = getelementptr i8, i8* %178, i64 %202
	%204 = load i8, i8* %203
	%205 = sext i8 %204 to i32
	%206 = getelementptr i8, i8* %181, i64 %202
	%207 = load i8, i8* %206
	%208 = sext i8 %207 to i32
	%209 = mul i32 %208, %205
	%210 = add i32 %200, %209
	%211 = add i64 %dot.tail.i, 1
	br label %dot.tail

dot.tail.end:
	%212 = getelementptr i32, i32* %bias, i64 %175
	%213 = load i32, i32* %212
	%214 = add i32 %200, %213
	%215 = getelementptr i32, i32* %mult, i64 %175
	%216 = load i32, i32* %215
	%217 = getelementptr i32, i32* %shift, i64 %175
	%218 = load i32, i32* %217
	%219 = call i32 @kiln_requant(i32 %214, i32 %216, i32 %218)
	%220 = add i32 %219, %out_off
	%221 = mul i64 %row1.i, %ors
	%222 = mul i64 %175, %ous
	%223 = add i64 %221, %222
	%224 = icmp sgt i32 %220, %lo
	%225 = select i1 %224, i32 %220, i32 %lo
	%226 = icmp slt i32 %225, %hi
	%227 = select i1 %226, i32 %225, i32 %hi
	%228 = trunc i32 %227 to i8
	%229 = getelementptr i8, i8* %out, i64 %223
	store i8 %228, i8* %229
	%230 = add i64 %row1.i, 1
	br label %row1
}

define internal void @kiln_quantize(float* %in, i8* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %23, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr float, float* %in, i64 %elems.i
	%2 = load float, float* %1
	%3 = fdiv float %2, %scale
	%4 = fpext float %3 to double
	%5 = fcmp uno float %3, %3
	%6 = select i1 %5, double 0.0, double %4
	%7 = fcmp olt double %6, -2.147483648e+09
	%8 = select i1 %7, double -2.147483648e+09, double %6
	%9 = fcmp ogt double %8, 2.147483647e+09
	%10 = select i1 %9, double 2.147483647e+09, double %8
	%11 = fcmp olt double %10, 0.0
	%12 = select i1 %11, double -0.5, double 0.5
	%13 = fadd double %10, %12
	%14 = fptosi double %13 to i64
	%15 = sext i32 %zero to i64
	%16 = add i64 %14, %15
	%17 = icmp slt i64 %16, -128
	%18 = select i1 %17, i64 -128, i64 %16
	%19 = icmp sgt i64 %18, 127
	%20 = select i1 %19, i64 127, i64 %18
	%21 = trunc i64 %20 to i8
	%22 = getelementptr i8, i8* %out, i64 %elems.i
	store i8 %21, i8* %22
	%23 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define internal void @kiln_dequantize(i8* %in, float* %out, i64 %count, float %scale, i32 %zero) nounwind {
entry:
	br label %elems

elems:
	%elems.i = phi i64 [ 0, %entry ], [ %10, %elems.body ]
	%0 = icmp slt i64 %elems.i, %count
	br i1 %0, label %elems.body, label %elems.end

elems.body:
	%1 = getelementptr i8, i8* %in, i64 %elems.i
	%2 = load i8, i8* %1
	%3 = sext i8 %2 to i32
	%4 = sub i32 %3, %zero
	%5 = sitofp i32 %4 to double
	%6 = fpext float %scale to double
	%7 = fmul double %6, %5
	%8 = fptrunc double %7 to float
	%9 = getelementptr float, float* %out, i64 %elems.i
	store float %8, float* %9
	%10 = add i64 %elems.i, 1
	br label %elems

elems.end:
	ret void
}

define i32 @kiln_tiny_run(i32 %n, i8* %x, i8* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %arena, i8* %x, i64 %1, i1 false), !kiln.src !0
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !1
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !2
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @llvm.memcpy.p0i8.p0i8.i64(i8* %y, i8* %arena, i64 %6, i1 false), !kiln.src !3
	ret i32 0

bad_batch:
	ret i32 -1
}

define i32 @kiln_tiny_run_f32(i32 %n, float* %x, float* %y, i8* %arena) nounwind {
entry:
	%0 = icmp slt i32 %n, 1
	br i1 %0, label %bad_batch, label %run

run:
	%n64 = sext i32 %n to i64
	%1 = mul i64 %n64, 6
	; x.q = quantize  tiny.kiln:3:9
	call void @kiln_quantize(float* %x, i8* %arena, i64 %1, float 0x3F97F7A660000000, i32 3), !kiln.src !4
	%2 = mul i64 %n64, 64
	%3 = getelementptr i8, i8* %arena, i64 %2
	; h.q = qdense  tiny.kiln:4:13
	call void @kiln_qdense(i8* %arena, i8* getelementptr ([48 x i8], [48 x i8]* @h.weight.q, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.bias, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.mult, i64 0, i64 0), i32* getelementptr ([8 x i32], [8 x i32]* @h.q.shift, i64 0, i64 0), i8* %3, i64 %n64, i64 6, i64 8, i64 8, i64 1, i32 -128, i32 -128, i32 127), !kiln.src !5
	%4 = mul i64 %n64, 64
	%5 = getelementptr i8, i8* %arena, i64 %4
	; y.q = qdense  tiny.kiln:5:14
	call void @kiln_qdense(i8* %5, i8* getelementptr ([32 x i8], [32 x i8]* @y.weight.q, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.bias, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.mult, i64 0, i64 0), i32* getelementptr ([4 x i32], [4 x i32]* @y.q.shift, i64 0, i64 0), i8* %arena, i64 %n64, i64 8, i64 4, i64 4, i64 1, i32 -46, i32 -128, i32 127), !kiln.src !6
	%6 = mul i64 %n64, 4
	; y = dequantize  tiny.kiln:5:14
	call void @kiln_dequantize(i8* %arena, float* %y, i64 %6, float 0x3F73951760000000, i32 -46), !kiln.src !7
	ret i32 0

bad_batch:
	ret i32 -1
}

define i64 @kiln_tiny_arena_size() nounwind {
entry:
	ret i64 128
}

!0 = !{!"x.q = quantize  tiny.kiln:3:9"}
!1 = !{!"h.q = qdense  tiny.kiln:4:13"}
!2 = !{!"y.q = qdense  tiny.kiln:5:14"}
!3 = !{!"y = dequantize  tiny.kiln:5:14"}
!4 = !{!"x.q = quantize  tiny.kiln:3:9"}
!5 = !{!"h.q = qdense  tiny.kiln:4:13"}
!6 = !{!"y.q = qdense  tiny.kiln:5:14"}
!7 = !{!"y = dequantize  tiny.kiln:5:14"}
